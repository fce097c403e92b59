import KassaCore

/// The GS1 element strings of a GS1-128, GS1 DataBar, GS1 DataMatrix or GS1 QR code: the
/// elements in the order scanned, each an application identifier and its value.
///
/// Two forms are read. As scanned, elements follow each other and a variable-length value ends
/// with FNC1, which scanners send as ASCII GS (0x1D); some DataMatrix readers pass FNC1 through
/// as its codeword 232 (0xE8), which is read as GS too. A leading GS (FNC1 in the first position)
/// is skipped. As printed, each AI stands in parentheses: `(01)04600439931256(21)abc`; a value then
/// runs to the next "(" that opens a known AI, so a value holding such text itself (a crypto tail
/// may hold parentheses) must be read in the scanned form.
///
/// The Russian product marking codes are element strings of this kind: `01` GTIN, `21` serial
/// (6, 7, 13 or 20 characters), then either `91` verification key (4) and `92` verification
/// code (44 or 88), or `93` crypto tail (4); sometimes `3103` net weight or `8005` price. The
/// serial, the key and the code are variable-length, so each is ended by GS.
public struct GS1ElementString: Hashable, Sendable, CustomStringConvertible {
    /// The elements in the order scanned.
    public let elements: [GS1Element]

    /// The longest element string read (a DataMatrix can hold more; a marking code is ~130 bytes).
    public static let lengthMax = 1024
    /// The most elements one string may hold.
    public static let elementsMax = 32
    /// ASCII GS, the FNC1 separator as scanners send it.
    public static let groupSeparator: UInt8 = 0x1D
    /// FNC1's DataMatrix codeword, which some readers send unchanged.
    static let fnc1Codeword: UInt8 = 0xE8

    /// Parses `data` in the scanned form, or in the printed form when it starts with "(".
    public init(parsing data: some Collection<UInt8>) throws(ScanError) {
        let bytes = Array(data)
        guard bytes.count <= Self.lengthMax else {
            throw ScanError(.limitExceeded, "GS1 element string of \(bytes.count) bytes is longer than \(Self.lengthMax)")
        }
        elements = try bytes.withUnsafeBufferPointer { (buffer) throws(ScanError) in
            buffer.first == UInt8(ascii: "(") ? try Self.parsePrinted(buffer) : try Self.parseScanned(buffer)
        }
    }

    /// Parses `text` like `init(parsing:)` does its UTF-8 bytes.
    public init(parsing text: String) throws(ScanError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The value of the first element with AI `ai` ("01", "21", "3103"), if there is one.
    public func value(_ ai: String) -> String? {
        elements.first { $0.ai == ai }?.value
    }

    /// The trade item's GTIN (AI 01) in the catalog's form, its check digit already checked.
    public var gtin: SKU? {
        value("01").map { RetailCode.catalogForm(Array($0.utf8)) }
    }

    /// The serial number (AI 21): with the GTIN, what names one marked item.
    public var serial: String? { value("21") }

    /// The net weight in kilograms (AI 3100–3105) as a quantity, or nil when absent or finer
    /// than a gram (quantities hold thousandths and a reading is never rounded).
    public var netWeight: Quantity? {
        guard let element = elements.first(where: { (3100...3105).contains($0.identifier.code) && $0.identifier.digitCount == 4 }),
              let thousandths = element.decimal?.scaled(toDecimalPlaces: 3) else { return nil }
        return Quantity(thousandths: thousandths)
    }

    /// The element string in its printed form, "(01)04600439931256(21)abc".
    public var description: String { elements.map(\.description).joined() }

    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool { byte == groupSeparator || byte == fnc1Codeword }
}
