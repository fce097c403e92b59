import Foundation
import KassaAnalytics
import KassaCore
import KassaJournal
import KassaTestSupport
import Synchronization
import Testing

/// The ClickHouse sink against a real clickhouse-server (Debian's 18.16), started privately on
/// loopback by `scripts/clickhouse.sh` for each test and stopped at its end, failed or not.
@Suite("ClickHouse sink", .serialized)
struct ClickHouseSinkTests {
    @Test(.timeLimit(.minutes(5)))
    func historyAndSnapshotsArriveOnceAcrossStopsAndAClickHouseRestart() throws {
        let server = try PrivateClickHouse()
        defer { server.finish() }
        let url = try server.start()
        let history = try History()
        let journal = history.journal(commands: 3000, seed: 17)
        let half = journal.count / 2
        try history.store.writeHistory(Array(journal[..<half]))
        let warnings = Warnings()
        let options = Self.options(url: url)

        // A first sink, stopped in the middle of the history.
        let first = ClickHouseSink(store: history.store, options: options, warn: warnings.add, retryDelayMillisecondsMax: 1000,
                                   requestTimeoutMilliseconds: 10_000)
        first.start()
        try eventually { first.counters.rowsSent[.sales, default: 0] >= 100 }
        first.stop()
        let sentByFirst = try server.totals()
        let halfTotals = try history.totals()
        #expect(sentByFirst.receipts > 0 && sentByFirst != halfTotals, "stopped in the middle")

        // The rest of the history arrives; a second sink takes over, and ClickHouse goes away
        // and comes back while it sends. Two snapshots are queued while it is down: only the
        // newer may arrive.
        try history.store.writeHistory(journal)
        let second = ClickHouseSink(store: history.store, options: options, warn: warnings.add, retryDelayMillisecondsMax: 1000,
                                    requestTimeoutMilliseconds: 10_000)
        second.start()
        defer { second.stop() }
        try eventually { second.counters.rowsSent[.saleLines, default: 0] >= 200 }
        server.stop()
        try eventually { second.counters.consecutiveFailures > 0 }
        let all = try history.totals()
        let sentBeforeOutage = [first, second].reduce(Int64(0)) { sum, sink in
            ClickHouseTable.allCases.reduce(sum) { $0 + sink.counters.rowsSent[$1, default: 0] }
        }
        #expect(sentBeforeOutage < all.receipts + all.lines + all.returns + all.returnLines + all.voids,
                "ClickHouse went away in the middle of the history")
        #expect(warnings.all.contains { $0.contains("Connection refused") || $0.contains("connection") })
        let dropped = Self.snapshot(number: 1, customers: 120)
        let kept = Self.snapshot(number: 2, customers: 333)
        second.publish(dropped)
        second.publish(kept)
        _ = try server.start()
        try eventually(seconds: 60) { try server.totals() == (try history.totals()) && second.counters.snapshotsSent == 1 }
        #expect(try server.segmentRows(of: kept) == 333)
        #expect(try server.segmentRows(of: dropped) == 0)
        #expect(warnings.all.contains { $0.contains("sending again") })
        #expect(second.counters.consecutiveFailures == 0 && second.counters.lastError != nil)
        second.stop()

        // A snapshot stopped half-way is finished by the next sink from the last card ClickHouse
        // holds; publishing it again after that sends nothing.
        let big = Self.snapshot(number: 3, customers: 1000)
        let third = ClickHouseSink(store: history.store, options: options, warn: warnings.add, retryDelayMillisecondsMax: 1000)
        third.publish(big)
        third.start()
        try eventually { third.counters.rowsSent[.segments, default: 0] >= 100 }
        third.stop()
        #expect(third.counters.rowsSent[.sales] == nil)
        let fourth = ClickHouseSink(store: history.store, options: options, warn: warnings.add, retryDelayMillisecondsMax: 1000)
        fourth.publish(big)
        fourth.start()
        defer { fourth.stop() }
        try eventually { fourth.counters.snapshotsSent == 1 }
        fourth.publish(big)
        try eventually { fourth.counters.snapshotsSent == 2 }
        fourth.stop()

        #expect(try server.totals() == (try history.totals()))
        #expect(try server.segmentRows(of: big) == 1000)
        #expect(try server.segmentRows(of: kept) == 333)
        #expect(try server.duplicates() == 0)
        #expect(third.counters.rowsSent[.segments, default: 0] + fourth.counters.rowsSent[.segments, default: 0] == 1000)
        #expect(fourth.counters.rowsSent[.sales] == nil, "a restarted sink sends no history ClickHouse has")
    }

    @Test(.timeLimit(.minutes(3)))
    func aClickHouseThatIsDownIsReportedOnceAndCaughtUpWithWhenItComesUp() throws {
        let server = try PrivateClickHouse()
        defer { server.finish() }
        // A port that was free a moment ago, with nothing listening on it now.
        let url = try server.start()
        server.stop()
        let history = try History()
        try history.store.writeHistory(history.journal(commands: 600, seed: 3))
        let warnings = Warnings()
        let sink = ClickHouseSink(store: history.store, options: Self.options(url: url), warn: warnings.add,
                                  retryDelayMillisecondsMax: 200)
        sink.start()
        defer { sink.stop() }
        try eventually { !warnings.all.isEmpty }
        // Several failed attempts later, the same failure is still reported once.
        try eventually { sink.counters.consecutiveFailures > 2 }
        #expect(warnings.all.count == 1, "the same failure is reported once: \(warnings.all)")
        #expect(sink.counters.lastError?.contains("refused") == true)

        _ = try server.start()
        try eventually(seconds: 60) { try server.totals() == (try history.totals()) }
        #expect(warnings.all.count == 2 && warnings.all.last?.contains("sending again") == true)
        #expect(try server.duplicates() == 0)
    }

    @Test func aBadURLIsReportedAndNothingBreaks() throws {
        let history = try History()
        let warnings = Warnings()
        var options = Self.options(url: "ftp://127.0.0.1:1/")
        options.clickHouseIntervalMilliseconds = 20
        let sink = ClickHouseSink(store: history.store, options: options, warn: warnings.add, retryDelayMillisecondsMax: 50)
        sink.start()
        try eventually { !warnings.all.isEmpty }
        sink.publish(Self.snapshot(number: 1, customers: 3))
        Thread.sleep(forTimeInterval: 0.3)
        sink.stop()
        #expect(warnings.all.count == 1 && warnings.all[0].contains("invalid URL"))
        #expect(sink.counters.inserts == 0 && sink.counters.failures > 1)
    }

    // MARK: - Fixtures

    static func options(url: String) -> AnalyticsOptions {
        var options = AnalyticsOptions()
        options.clickHouseURL = url
        options.clickHouseDatabase = "kassa_test"
        // Small batches, so that stopping the sink or ClickHouse lands between INSERTs.
        options.clickHouseBatchRowsMax = 25
        options.clickHouseIntervalMilliseconds = 50
        return options
    }

    /// A snapshot whose cards have different lengths and come in card-number order, which is
    /// not their byte order ("9…" after "10…" as numbers, before as text).
    static func snapshot(number: UInt64, customers: Int) -> SegmentSnapshot {
        let rows = (0..<customers).map { (index: Int) -> CustomerSegment in
            let card: String = String(repeating: "9", count: index % 3) + "70" + String(index)
            let segment: String = index % 2 == 0 ? "champions" : "loyal"
            let monetary = Int64(index) * 1000
            let clv = Int64(index) * 12_345
            let expected = Double(index) / 7
            return CustomerSegment(card: card, segment: segment, r: index % 5 + 1, f: 3, m: 4, frequency: index,
                                   recencyDays: index * 2, tDays: index * 3, monetary: monetary, expectedPurchases90d: expected, clv: clv)
        }
        return SegmentSnapshot(number: number, asOf: LocalDate(iso: "2026-11-22")!, computedAt: Fixture.morning,
                               throughSeq: 42, customers: rows)
    }
}

/// What both sides must agree on.
private struct HistoryTotals: Equatable, CustomStringConvertible {
    var receipts: Int64 = 0
    var revenue: Int64 = 0
    var lines: Int64 = 0
    var lineAmount: Int64 = 0
    var lineQty: Int64 = 0
    var returns: Int64 = 0
    var refunds: Int64 = 0
    var returnLines: Int64 = 0
    var returnLineRefunds: Int64 = 0
    var voids: Int64 = 0
    var voidRefunds: Int64 = 0

    var description: String {
        "receipts \(receipts) revenue \(revenue) lines \(lines)/\(lineAmount)/\(lineQty) returns \(returns)/\(refunds) "
            + "return lines \(returnLines)/\(returnLineRefunds) voids \(voids)/\(voidRefunds)"
    }

    /// The questions, one per value, as SQL both SQLite and ClickHouse answer.
    static var queries: [(String, WritableKeyPath<HistoryTotals, Int64>)] { [
        ("SELECT count(*) FROM {db}sales", \.receipts), ("SELECT sum(total) FROM {db}sales", \.revenue),
        ("SELECT count(*) FROM {db}sale_lines", \.lines), ("SELECT sum(amount - discount) FROM {db}sale_lines", \.lineAmount),
        ("SELECT sum(qty) FROM {db}sale_lines", \.lineQty),
        ("SELECT count(*) FROM {db}returns", \.returns), ("SELECT sum(refund) FROM {db}returns", \.refunds),
        ("SELECT count(*) FROM {db}return_lines", \.returnLines), ("SELECT sum(refund) FROM {db}return_lines", \.returnLineRefunds),
        ("SELECT count(*) FROM {db}voids", \.voids), ("SELECT sum(refund) FROM {db}voids", \.voidRefunds),
    ] }
}

/// A projection on a temporary directory, filled from a random but valid command stream.
private struct History {
    let store: ProjectionStore

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-ch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try ProjectionStore(path: dir.appendingPathComponent("kassa.sqlite").path)
    }

    func journal(commands: Int, seed: UInt64) -> [LedgerEntry] {
        var ledger = Ledger()
        var stream = CommandStream(seed: seed)
        var now = Fixture.morning
        var journal: [LedgerEntry] = []
        for step in 1...commands {
            if step % 50 == 0 { now.epochMilliseconds += 3_600_000 }
            if case .applied(let entry, _) = ledger.apply(stream.next(), at: now, pricing: ListPricing()) {
                journal.append(entry)
            }
        }
        return journal
    }

    func totals() throws -> HistoryTotals {
        try store.read { db in
            var totals = HistoryTotals()
            for (sql, path) in HistoryTotals.queries {
                totals[keyPath: path] = try Int64.fetchOne(db, sql: sql.replacingOccurrences(of: "{db}", with: "")) ?? 0
            }
            return totals
        }
    }
}

/// A clickhouse-server of the test's own under a temporary directory, through `scripts/clickhouse.sh`.
private final class PrivateClickHouse: Sendable {
    let directory: String
    private let port = Mutex(0)
    private let script: String

    init() throws {
        var root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            guard root.pathComponents.count > 1 else { throw FixtureError.unexpected("no Package.swift above \(#filePath)") }
            root.deleteLastPathComponent()
        }
        script = root.appendingPathComponent("scripts/clickhouse.sh").path
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-clickhouse-\(UUID().uuidString)").path
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/clickhouse-server") {
            _ = try run(["install"])
        }
    }

    /// Starts the server (on the port of the first start, again after a stop) and returns its URL.
    @discardableResult
    func start() throws -> String {
        let url = try run(["start", directory, String(port.withLock { $0 })]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let number = URLComponents(string: url)?.port else { throw FixtureError.unexpected("clickhouse.sh printed '\(url)'") }
        port.withLock { $0 = number }
        return url
    }

    /// Stops the server, if it runs.
    func stop() {
        _ = try? run(["stop", directory])
    }

    /// Stops the server and removes its data.
    func finish() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var client: ClickHouseClient {
        get throws { try ClickHouseClient(url: "http://127.0.0.1:\(port.withLock { $0 })", timeoutMilliseconds: 10_000) }
    }

    func totals() throws -> HistoryTotals {
        let client = try client
        var totals = HistoryTotals()
        for (sql, path) in HistoryTotals.queries {
            let answer = try client.execute(sql.replacingOccurrences(of: "{db}", with: "kassa_test.") + " FORMAT TabSeparated")
            totals[keyPath: path] = Int64(answer.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        return totals
    }

    func segmentRows(of snapshot: SegmentSnapshot) throws -> Int {
        let answer = try client.execute("""
            SELECT count() FROM kassa_test.segments WHERE number = \(snapshot.number) AND computed_at = '\(snapshot.computedAt)' \
            FORMAT TabSeparated
            """)
        return Int(answer.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Rows that are in ClickHouse more than once, all tables together.
    func duplicates() throws -> Int {
        let answer = try client.execute("""
            SELECT (SELECT count() - uniqExact(seq) FROM kassa_test.sales) + (SELECT count() - uniqExact(sale_seq, line) FROM kassa_test.sale_lines)
                + (SELECT count() - uniqExact(seq) FROM kassa_test.returns) + (SELECT count() - uniqExact(return_seq, line) FROM kassa_test.return_lines)
                + (SELECT count() - uniqExact(seq) FROM kassa_test.voids)
                + (SELECT count() - uniqExact(number, computed_at, card) FROM kassa_test.segments)
            FORMAT TabSeparated
            """)
        return Int(answer.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    private func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError.unexpected("clickhouse.sh \(arguments.joined(separator: " ")) failed: \(errorText)")
        }
        return text
    }
}

/// The warnings a sink gave, in order.
private final class Warnings: Sendable {
    private let list = Mutex<[String]>([])

    var all: [String] { list.withLock { $0 } }

    var add: @Sendable (String) -> Void {
        { [self] message in list.withLock { $0.append(message) } }
    }
}

/// Waits until `condition` holds, polling; fails the test after `seconds`.
private func eventually(seconds: Double = 30, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () throws -> Bool) throws {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if (try? condition()) == true { return }
        Thread.sleep(forTimeInterval: 0.02)
    }
    if try condition() { return }
    Issue.record("the condition did not hold within \(seconds) s", sourceLocation: sourceLocation)
    throw FixtureError.unexpected("timed out")
}
