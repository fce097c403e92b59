import Foundation
import KassaAnalytics
import KassaCore
import KassaJournal
import Yams

/// `config/kassa.yaml`, overridden by `KASSA_<SECTION>_<KEY>` environment variables and then by
/// command-line flags. Every key has a default, so an empty file (or none) runs.
public struct KassaConfiguration: Sendable, Equatable {
    /// The HTTP listener.
    public var host = "127.0.0.1"
    public var port = 8080
    public var bodyBytesMax = 1 << 20
    public var requestsPerSecondMax = 20_000
    /// The journal.
    public var intervalSync = false
    public var intervalMilliseconds = 5
    public var segmentBytes = 64 << 20
    public var recordBytesMax = 1 << 20
    public var batchCommandsMax = 4096
    public var queueCommandsMax = 65536
    /// The Ledger.
    public var limits = LedgerLimits()
    /// The projection.
    public var projectionBatchEntriesMax = 5000
    public var snapshotIntervalSeconds = 300
    /// The loyalty rules put in force at the first start of a data dir ("" for none): relative
    /// to the configuration file's directory when one was read, else to the working directory.
    public var rulesFile = "config/loyalty.yaml"
    /// Segments, reports and the analytics feed.
    public var analytics = AnalyticsOptions()

    /// The defaults.
    public init() {}

    /// When writes are acknowledged.
    public var durability: Durability { intervalSync ? .interval(milliseconds: intervalMilliseconds) : .fsync }

    /// The storage options these settings give.
    public var storageOptions: Storage.Options {
        var options = Storage.Options()
        options.journal = JournalWriter.Options(segmentBytes: segmentBytes, recordBytesMax: recordBytesMax)
        options.commit.durability = durability
        options.commit.batchCommandsMax = batchCommandsMax
        options.commit.queueCommandsMax = queueCommandsMax
        options.limits = limits
        options.projection.historyBatchMax = projectionBatchEntriesMax
        options.projection.snapshotInterval = .seconds(snapshotIntervalSeconds)
        return options
    }

    /// Reads `path` (absent: the defaults), then the environment. Errors name the file, the key
    /// and what is wrong.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KassaConfiguration {
        var configuration = KassaConfiguration()
        var values: [String: (String, String)] = [:]  // "section.key" -> (text, where)
        if let path {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError("cannot read the configuration file \(path)")
            }
            let node: Any?
            do {
                node = try Yams.load(yaml: text)
            } catch {
                throw ConfigurationError("\(path) is not valid YAML: \(error)")
            }
            if let node {
                guard let sections = node as? [String: Any] else { throw ConfigurationError("\(path): the top level must be a mapping of sections") }
                for (section, body) in sections {
                    guard let keys = KassaConfiguration.keys[section] else {
                        throw ConfigurationError("\(path): unknown section '\(section)' (known: \(KassaConfiguration.keys.keys.sorted().joined(separator: ", ")))")
                    }
                    guard let mapping = body as? [String: Any] else {
                        if body is NSNull { continue }
                        throw ConfigurationError("\(path): section '\(section)' must be a mapping of keys")
                    }
                    for (key, value) in mapping {
                        guard keys.contains(key) else {
                            throw ConfigurationError("\(path): unknown key '\(section).\(key)' (known in \(section): \(keys.sorted().joined(separator: ", ")))")
                        }
                        values["\(section).\(key)"] = ("\(value)", path)
                    }
                }
            }
        }
        for (section, keys) in KassaConfiguration.keys {
            for key in keys {
                let variable = "KASSA_\(section.uppercased())_\(key.uppercased())"
                if let value = environment[variable] { values["\(section).\(key)"] = (value, "environment variable \(variable)") }
            }
        }
        // A variable of a section's prefix that names none of its keys is a typo of a setting
        // (KASSA_HTTP_PROT): refused, not left for the operator to wonder why it did nothing.
        for variable in environment.keys.sorted() where variable.hasPrefix("KASSA_") {
            for (section, keys) in KassaConfiguration.keys where variable.hasPrefix("KASSA_\(section.uppercased())_") {
                let key = variable.dropFirst("KASSA_\(section)_".count).lowercased()
                guard keys.contains(key) else {
                    throw ConfigurationError("environment variable \(variable) is not a setting (known in \(section): "
                        + keys.sorted().map { "KASSA_\(section.uppercased())_\($0.uppercased())" }.joined(separator: ", ") + ")")
                }
            }
        }
        for (name, (text, source)) in values.sorted(by: { $0.key < $1.key }) {
            try configuration.set(name, text, source: source)
        }
        // A rules file named in the configuration file is found next to it wherever the
        // service is started from.
        if let path, let (text, source) = values["loyalty.rules_file"], source == path, !text.isEmpty, !text.hasPrefix("/") {
            configuration.rulesFile = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(text).path
        }
        try configuration.validate()
        return configuration
    }

    static let keys: [String: Set<String>] = [
        "http": ["host", "port", "body_bytes_max", "requests_per_second_max"],
        "journal": ["durability", "interval_ms", "segment_bytes", "record_bytes_max", "batch_commands_max", "queue_commands_max"],
        "ledger": ["lines_per_receipt_max", "price_max", "receipt_window_days", "receipt_index_max", "activity_retention_days"],
        "projection": ["batch_entries_max", "snapshot_interval_seconds"],
        "loyalty": ["rules_file"],
        "analytics": ["segments_interval_seconds", "abc_a_share", "abc_b_share", "xyz_x_max", "xyz_y_max", "clv_horizon_months",
                      "clv_annual_discount_rate", "clickhouse_url", "clickhouse_database", "clickhouse_batch_rows_max",
                      "clickhouse_interval_ms"],
    ]

    /// Sets one key from its text.
    mutating func set(_ name: String, _ text: String, source: String) throws {
        func integer(_ range: ClosedRange<Int>) throws -> Int {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                throw ConfigurationError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)' (\(source))")
            }
            return value
        }
        func fraction(_ range: ClosedRange<Double>) throws -> Double {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                throw ConfigurationError("\(name) must be a number from \(range.lowerBound) to \(range.upperBound), got '\(text)' (\(source))")
            }
            return value
        }
        switch name {
        case "http.host":
            guard !text.isEmpty, !text.contains(" ") else { throw ConfigurationError("http.host must be an address, got '\(text)' (\(source))") }
            host = text
        case "http.port": port = try integer(0...65535)
        case "http.body_bytes_max": bodyBytesMax = try integer(1024...(256 << 20))
        case "http.requests_per_second_max": requestsPerSecondMax = try integer(0...10_000_000)
        case "journal.durability":
            switch text {
            case "fsync": intervalSync = false
            case "interval": intervalSync = true
            default: throw ConfigurationError("journal.durability must be 'fsync' or 'interval', got '\(text)' (\(source))")
            }
        case "journal.interval_ms": intervalMilliseconds = try integer(1...10_000)
        case "journal.segment_bytes": segmentBytes = try integer((1 << 20)...(1 << 34))
        case "journal.record_bytes_max": recordBytesMax = try integer(4096...(64 << 20))
        case "journal.batch_commands_max": batchCommandsMax = try integer(1...1_000_000)
        case "journal.queue_commands_max": queueCommandsMax = try integer(1...10_000_000)
        case "ledger.lines_per_receipt_max": limits.linesPerReceiptMax = try integer(1...100_000)
        case "ledger.price_max": limits.priceMax = Int64(try integer(1...Int(Int64.max / 1_000_000)))
        case "ledger.receipt_window_days": limits.receiptWindowDays = Int32(try integer(1...3650))
        case "ledger.receipt_index_max": limits.receiptIndexMax = try integer(1...100_000_000)
        case "ledger.activity_retention_days": limits.activityRetentionDays = Int32(try integer(1...3650))
        case "projection.batch_entries_max": projectionBatchEntriesMax = try integer(1...1_000_000)
        case "projection.snapshot_interval_seconds": snapshotIntervalSeconds = try integer(1...86_400)
        case "loyalty.rules_file":
            guard !text.contains("\0") else { throw ConfigurationError("loyalty.rules_file must be a path, got '\(text)' (\(source))") }
            rulesFile = text
        case "analytics.segments_interval_seconds": analytics.segmentsIntervalSeconds = try integer(10...604_800)
        case "analytics.abc_a_share": analytics.abcAShare = try fraction(0.01...0.99)
        case "analytics.abc_b_share": analytics.abcBShare = try fraction(0.01...0.999)
        case "analytics.xyz_x_max": analytics.xyzXMax = try fraction(0.0...10)
        case "analytics.xyz_y_max": analytics.xyzYMax = try fraction(0.0...10)
        case "analytics.clv_horizon_months": analytics.clvHorizonMonths = try integer(1...120)
        case "analytics.clv_annual_discount_rate": analytics.clvAnnualDiscountRate = try fraction(0.0...1.0)
        case "analytics.clickhouse_url":
            guard text.isEmpty || text.hasPrefix("http://") else {
                throw ConfigurationError("analytics.clickhouse_url must be empty (no sink) or an http:// address, got '\(text)' (\(source))")
            }
            analytics.clickHouseURL = text
        case "analytics.clickhouse_database":
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError("analytics.clickhouse_database must be letters, digits and _, got '\(text)' (\(source))")
            }
            analytics.clickHouseDatabase = text
        case "analytics.clickhouse_batch_rows_max": analytics.clickHouseBatchRowsMax = try integer(1...1_000_000)
        case "analytics.clickhouse_interval_ms": analytics.clickHouseIntervalMilliseconds = try integer(10...3_600_000)
        default: throw ConfigurationError("unknown key \(name) (\(source))")
        }
    }

    func validate() throws {
        guard analytics.abcAShare < analytics.abcBShare else {
            throw ConfigurationError("analytics.abc_a_share (\(analytics.abcAShare)) must be below analytics.abc_b_share (\(analytics.abcBShare))")
        }
        guard analytics.xyzXMax < analytics.xyzYMax else {
            throw ConfigurationError("analytics.xyz_x_max (\(analytics.xyzXMax)) must be below analytics.xyz_y_max (\(analytics.xyzYMax))")
        }
        let least = 4096 + 2 * (recordBytesMax + 24)
        guard segmentBytes >= least else {
            throw ConfigurationError("journal.segment_bytes (\(segmentBytes)) must hold at least two of the largest records (journal.record_bytes_max \(recordBytesMax)): \(least) or more")
        }
    }
}

/// A configuration value that cannot work; the message names the key and the source.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(description: String) { self.description = description }
    init(_ description: String) { self.description = description }
}
