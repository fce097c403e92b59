import Foundation
import KassaDevices
import Yams

/// `config/devices.yaml`: the lane's store header, its scanner, printer and customer display, and
/// how the store's scales print weighed goods. Every key has a default; an address left empty
/// means no such device (the receipt then goes to standard output). Unknown keys are refused
/// so that a misspelt setting is never silently ignored.
public struct LaneDevicesConfiguration: Sendable {
    public var storeName = "Kassa"
    public var storeAddress: [String] = []
    public var footer: [String] = []
    public var scannerAddress = ""
    public var scannerSerial = SerialSettings()
    public var scannerFraming: ScanFraming
    public var printerAddress = ""
    public var printerSerial = SerialSettings(baudRate: 38_400)
    public var printerProfile = PrinterProfile.epsonTMT20III
    public var displayAddress = ""
    public var displaySerial = SerialSettings()
    public var weighedGoods: [WeighedGoodsLayout] = [.russianScales]

    /// The defaults (no devices).
    public init() {
        // A CR after each scan is every scanner's factory default.
        scannerFraming = (try? ScanFraming(suffix: .cr)) ?? Self.unreachableFraming()
    }

    private static func unreachableFraming() -> ScanFraming {
        preconditionFailure("a CR suffix is always a valid framing")
    }

    /// Reads `path`; a missing file gives the defaults. Errors name the key and what it takes.
    public static func load(path: String) throws -> LaneDevicesConfiguration {
        guard FileManager.default.fileExists(atPath: path) else { return LaneDevicesConfiguration() }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "devices.yaml") throws -> LaneDevicesConfiguration {
        var configuration = LaneDevicesConfiguration()
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw DeviceError(.invalidConfiguration, "\(source) is not YAML: \(error)")
        }
        // An empty file is all defaults; anything else must be a mapping of the sections.
        guard loaded == nil || loaded is [String: Any] else {
            throw DeviceError(.invalidConfiguration, "\(source) must be a mapping with store, scanner, printer, display and weighed_goods")
        }
        let root = loaded as? [String: Any] ?? [:]
        try only(root, ["store", "scanner", "printer", "display", "weighed_goods"], in: source)
        if let store = try section(root, "store", source) {
            try only(store, ["name", "address", "footer"], in: "\(source): store")
            configuration.storeName = try string(store, "name", "store", source) ?? configuration.storeName
            configuration.storeAddress = try strings(store, "address", "store", source) ?? []
            configuration.footer = try strings(store, "footer", "store", source) ?? []
        }
        if let scanner = try section(root, "scanner", source) {
            try only(scanner, ["address", "serial", "suffix", "prefix", "inter_byte_timeout_ms", "frame_length_max"], in: "\(source): scanner")
            configuration.scannerAddress = try string(scanner, "address", "scanner", source) ?? ""
            if let serial = try string(scanner, "serial", "scanner", source) { configuration.scannerSerial = try SerialSettings(parsing: serial) }
            let suffixText = try string(scanner, "suffix", "scanner", source) ?? "cr"
            guard let suffix = ScanFraming.Suffix(rawValue: suffixText) else {
                throw DeviceError(.invalidConfiguration, "\(source): scanner.suffix is \"\(suffixText)\"; use cr, lf, crlf or none")
            }
            let prefix = Array((try string(scanner, "prefix", "scanner", source) ?? "").utf8)
            let timeout = try integer(scanner, "inter_byte_timeout_ms", "scanner", source)
            let length = try integer(scanner, "frame_length_max", "scanner", source) ?? ScanFraming.frameLengthMaxDefault
            do {
                configuration.scannerFraming = try ScanFraming(suffix: suffix, prefix: prefix, interByteTimeoutMs: timeout.map { UInt64(max(0, $0)) },
                                                               frameLengthMax: length)
            } catch {
                throw DeviceError(.invalidConfiguration, "\(source): scanner: \(error.message)")
            }
        }
        if let printer = try section(root, "printer", source) {
            try only(printer, ["address", "serial", "paper_mm", "columns", "code_page", "code_page_number", "qr_code", "cut"], in: "\(source): printer")
            configuration.printerAddress = try string(printer, "address", "printer", source) ?? ""
            if let serial = try string(printer, "serial", "printer", source) { configuration.printerSerial = try SerialSettings(parsing: serial) }
            configuration.printerProfile = try PrinterProfile(
                paperWidthMm: try integer(printer, "paper_mm", "printer", source) ?? 80,
                columns: try integer(printer, "columns", "printer", source),
                codePage: try string(printer, "code_page", "printer", source) ?? "cp866",
                codePageNumber: try integer(printer, "code_page_number", "printer", source),
                qrCode: try flag(printer, "qr_code", "printer", source) ?? true,
                cut: try string(printer, "cut", "printer", source) ?? "partial")
        }
        if let display = try section(root, "display", source) {
            try only(display, ["address", "serial"], in: "\(source): display")
            configuration.displayAddress = try string(display, "address", "display", source) ?? ""
            if let serial = try string(display, "serial", "display", source) { configuration.displaySerial = try SerialSettings(parsing: serial) }
        }
        if let layouts = root["weighed_goods"] {
            guard let list = layouts as? [[String: Any]] else {
                throw DeviceError(.invalidConfiguration, "\(source): weighed_goods must be a list of {prefixes, pattern}")
            }
            configuration.weighedGoods = try list.enumerated().map { index, item in
                try only(item, ["prefixes", "pattern"], in: "\(source): weighed_goods[\(index)]")
                guard let prefixes = (item["prefixes"] as? [Any])?.map({ "\($0)" }), let pattern = item["pattern"] as? String else {
                    throw DeviceError(.invalidConfiguration, "\(source): weighed_goods[\(index)] needs prefixes (a list) and pattern (13 letters)")
                }
                do {
                    return try WeighedGoodsLayout(prefixes: prefixes, pattern: pattern)
                } catch {
                    throw DeviceError(.invalidConfiguration, "\(source): weighed_goods[\(index)]: \(error)")
                }
            }
        }
        return configuration
    }

    private static func only(_ map: [String: Any], _ keys: Set<String>, in place: String) throws {
        if let unknown = map.keys.sorted().first(where: { !keys.contains($0) }) {
            throw DeviceError(.invalidConfiguration, "\(place): unknown key \"\(unknown)\" (known: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    private static func section(_ root: [String: Any], _ key: String, _ source: String) throws -> [String: Any]? {
        guard let value = root[key], !(value is NSNull) else { return nil }
        guard let map = value as? [String: Any] else { throw DeviceError(.invalidConfiguration, "\(source): \(key) must be a mapping") }
        return map
    }

    private static func string(_ map: [String: Any], _ key: String, _ section: String, _ source: String) throws -> String? {
        guard let value = map[key], !(value is NSNull) else { return nil }
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        throw DeviceError(.invalidConfiguration, "\(source): \(section).\(key) must be text")
    }

    private static func strings(_ map: [String: Any], _ key: String, _ section: String, _ source: String) throws -> [String]? {
        guard let value = map[key], !(value is NSNull) else { return nil }
        if let text = value as? String { return [text] }
        guard let list = value as? [Any] else { throw DeviceError(.invalidConfiguration, "\(source): \(section).\(key) must be a list of lines") }
        return list.map { "\($0)" }
    }

    private static func flag(_ map: [String: Any], _ key: String, _ section: String, _ source: String) throws -> Bool? {
        guard let value = map[key], !(value is NSNull) else { return nil }
        guard let flag = value as? Bool else { throw DeviceError(.invalidConfiguration, "\(source): \(section).\(key) must be true or false") }
        return flag
    }

    private static func integer(_ map: [String: Any], _ key: String, _ section: String, _ source: String) throws -> Int? {
        guard let value = map[key], !(value is NSNull) else { return nil }
        guard let number = value as? Int else { throw DeviceError(.invalidConfiguration, "\(source): \(section).\(key) must be a whole number") }
        return number
    }
}
