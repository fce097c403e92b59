/// One 64-byte input report of a USB HID Point of Sale barcode scanner (usage page 0x8C, Bar Code
/// Scanner; usage 0x12, Scanned Data Report), as Honeywell, Zebra, Datalogic and Access-IS
/// scanners send it in their "HID POS" mode:
///
/// | byte  | content                                                                 |
/// |-------|-------------------------------------------------------------------------|
/// | 0     | report id, 0x02 for scanned data                                        |
/// | 1     | number of data bytes in this report, 0...56                             |
/// | 2–4   | AIM symbology identifier (`]`, code, modifier); zeros when not sent      |
/// | 5–60  | data (Decoded Data, usage 0xFE), zero-padded after the length            |
/// | 61    | the maker's own symbology code (Honeywell's code id); not used here      |
/// | 62    | reserved                                                                |
/// | 63    | bit 0: Decode Data Continued (usage 0xFF): the barcode goes on in the next report |
///
/// Sources: USB-IF "HID Point of Sale Usage Tables" 1.02, section 3 (usage page 0x8C, the
/// Scanned Data Report with Symbology Identifier 1–3, Decoded Data and Decode Data Continued), and
/// the Access-IS LSR116/ATR110 manuals' appendix "HID reports — receive data", which gives the
/// byte offsets above and a 60-byte barcode split into reports of 56 and 4 bytes.
public struct HidPosReport: Hashable, Sendable {
    /// The size of every report, report id included.
    public static let size = 64
    /// The most data bytes one report holds.
    public static let dataCapacity = 56
    /// The report id of scanned data.
    public static let scannedDataReportID: UInt8 = 0x02
    /// The offset of the data.
    static let dataOffset = 5
    /// The offset of the byte whose bit 0 is Decode Data Continued.
    static let continuedOffset = 63

    /// The report id.
    public let reportID: UInt8
    /// The AIM symbology identifier, when the scanner sent one.
    public let identifier: SymbologyIdentifier?
    /// The data bytes of this report.
    public let data: [UInt8]
    /// True when the barcode goes on in the next report.
    public let continues: Bool

    /// A report with these fields (for building test reports and simulators).
    public init(reportID: UInt8 = HidPosReport.scannedDataReportID, identifier: SymbologyIdentifier?, data: [UInt8], continues: Bool) {
        self.reportID = reportID
        self.identifier = identifier
        self.data = data
        self.continues = continues
    }

    /// Reads a report; throws `malformedReport` naming what is wrong when it is not `size` bytes,
    /// has another report id than `expectedReportID`, or claims more than 56 data bytes.
    public init(parsing bytes: [UInt8], expectedReportID: UInt8 = HidPosReport.scannedDataReportID) throws(ScanError) {
        guard bytes.count == Self.size else {
            throw ScanError(.malformedReport, "HID POS report of \(bytes.count) bytes, expected \(Self.size)")
        }
        guard bytes[0] == expectedReportID else {
            throw ScanError(.malformedReport, "HID POS report id 0x\(String(bytes[0], radix: 16)), expected 0x\(String(expectedReportID, radix: 16)) "
                            + "(scanned data); ignored", position: 0)
        }
        let length = Int(bytes[1])
        guard length <= Self.dataCapacity else {
            throw ScanError(.malformedReport, "HID POS report claims \(length) data bytes, at most \(Self.dataCapacity) fit", position: 1)
        }
        self.reportID = bytes[0]
        self.identifier = SymbologyIdentifier(prefixOf: bytes[2..<Self.dataOffset])
        self.data = Array(bytes[Self.dataOffset..<(Self.dataOffset + length)])
        self.continues = bytes[Self.continuedOffset] & 1 == 1
    }

    /// The 64 bytes of this report, zero-padded (what a scanner would send).
    public var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        bytes[0] = reportID
        let count = min(data.count, Self.dataCapacity)
        bytes[1] = UInt8(count)
        if let identifier {
            bytes[2] = SymbologyIdentifier.flag
            bytes[3] = identifier.codeCharacter
            bytes[4] = identifier.modifier
        }
        bytes.replaceSubrange(Self.dataOffset..<(Self.dataOffset + count), with: data.prefix(count))
        bytes[Self.continuedOffset] = continues ? 1 : 0
        return bytes
    }
}
