/// What the receipt layout must know about one model of receipt printer: how wide a line is,
/// which character table carries Cyrillic and under what `ESC t` number, whether it prints QR
/// codes and how it cuts. The lane builds one from `config/devices.yaml` with
/// `init(paperWidthMm:columns:codePage:codePageNumber:qrCode:cut:drawerOpenWhenPin3High:)`.
public struct PrinterProfile: Hashable, Sendable {
    /// The paper roll.
    public enum PaperWidth: Int, Hashable, Sendable, CaseIterable {
        /// 80 mm paper: 72 mm printed, 48 columns of font A (576 dots), or 42 (512 dots).
        case mm80 = 80
        /// 58 mm paper: 48 mm printed, 32 columns of font A (384 dots).
        case mm58 = 58

        /// The columns of font A a printer may have on this paper, the usual first.
        public var allowedColumns: [Int] {
            switch self {
            case .mm80: [48, 42]
            case .mm58: [32]
            }
        }
    }

    /// A name for logs ("Epson TM-T20III").
    public var name: String
    /// The paper roll.
    public var paperWidth: PaperWidth
    /// Characters of font A at normal size on one line.
    public var columns: Int
    /// The character table text is encoded in.
    public var codePage: CodePage
    /// The `ESC t n` number that selects `codePage` on this printer.
    public var codePageNumber: UInt8
    /// Whether the printer prints `GS ( k` QR codes (older and cheaper models print nothing).
    public var supportsQRCode: Bool
    /// How the autocutter cuts, or nil for a printer with only a tear bar.
    public var cut: EscPosEncoder.Cut?
    /// Lines fed after the last printed line so that it clears the cutter or tear bar.
    public var feedLinesBeforeCut: Int
    /// Whether pin 3 of the drawer connector reads high while the drawer is open; drawers are
    /// wired both ways (emupos's `drawer_sensor_open_level`, high by default).
    public var drawerOpenWhenPin3High: Bool

    /// A profile from its parts; `columns` must be one of `paperWidth.allowedColumns`.
    public init(
        name: String, paperWidth: PaperWidth, columns: Int, codePage: CodePage, codePageNumber: UInt8,
        supportsQRCode: Bool, cut: EscPosEncoder.Cut?, feedLinesBeforeCut: Int = 4, drawerOpenWhenPin3High: Bool = true
    ) {
        precondition(paperWidth.allowedColumns.contains(columns), "a profile's columns are checked by its callers")
        precondition((0...255).contains(feedLinesBeforeCut), "a profile's feed is checked by its callers")
        self.name = name
        self.paperWidth = paperWidth
        self.columns = columns
        self.codePage = codePage
        self.codePageNumber = codePageNumber
        self.supportsQRCode = supportsQRCode
        self.cut = cut
        self.feedLinesBeforeCut = feedLinesBeforeCut
        self.drawerOpenWhenPin3High = drawerOpenWhenPin3High
    }

    /// Epson TM-T20III on 80 mm paper with PC866 (`ESC t 17`), as emupos simulates it.
    public static let epsonTMT20III = PrinterProfile(
        name: "Epson TM-T20III", paperWidth: .mm80, columns: 48, codePage: .cp866, codePageNumber: 17,
        supportsQRCode: true, cut: .partial)

    /// An Epson-compatible 80 mm printer set to Windows-1251 (`ESC t 46`).
    public static let epson80mmWindows1251 = PrinterProfile(
        name: "Epson-compatible 80 mm, WPC1251", paperWidth: .mm80, columns: 48, codePage: .wpc1251, codePageNumber: 46,
        supportsQRCode: true, cut: .partial)

    /// A small 58 mm printer with PC866, no QR codes and no cutter.
    public static let narrow58mm = PrinterProfile(
        name: "58 mm, PC866", paperWidth: .mm58, columns: 32, codePage: .cp866, codePageNumber: 17,
        supportsQRCode: false, cut: nil, feedLinesBeforeCut: 3)

    /// A profile from the plain values of a configuration file: `paperWidthMm` 80 or 58;
    /// `columns` (default 48 or 32); `codePage` "cp866" or "wpc1251" (also "PC866",
    /// "windows-1251", "cp1251"); `codePageNumber` for `ESC t` (default Epson's, 17 or 46);
    /// `cut` "full", "partial" or "none".
    public init(
        paperWidthMm: Int, columns: Int? = nil, codePage: String, codePageNumber: Int? = nil, qrCode: Bool, cut: String,
        drawerOpenWhenPin3High: Bool = true, name: String = "configured printer"
    ) throws(DeviceError) {
        guard let paperWidth = PaperWidth(rawValue: paperWidthMm) else {
            throw DeviceError(.invalidConfiguration, "paper width \(paperWidthMm) mm is not supported: use 80 or 58")
        }
        let lineColumns = columns ?? paperWidth.allowedColumns[0]
        guard paperWidth.allowedColumns.contains(lineColumns) else {
            throw DeviceError(.invalidConfiguration, "\(lineColumns) columns do not fit \(paperWidthMm) mm paper: use \(paperWidth.allowedColumns.map(String.init).joined(separator: " or "))")
        }
        guard let page = Self.codePage(named: codePage) else {
            throw DeviceError(.invalidConfiguration, "code page \"\(codePage)\" is not supported: use cp866 or wpc1251")
        }
        let number = codePageNumber ?? Int(page.epsonTableNumber)
        guard (0...255).contains(number) else {
            throw DeviceError(.invalidConfiguration, "code page number \(number) is outside 0...255 (it is the n of ESC t n)")
        }
        let cutKind: EscPosEncoder.Cut?
        switch cut.lowercased() {
        case "full": cutKind = .full
        case "partial": cutKind = .partial
        case "none": cutKind = nil
        default: throw DeviceError(.invalidConfiguration, "cut \"\(cut)\" is not one of full, partial, none")
        }
        self.init(
            name: name, paperWidth: paperWidth, columns: lineColumns, codePage: page, codePageNumber: UInt8(number),
            supportsQRCode: qrCode, cut: cutKind, feedLinesBeforeCut: cutKind == nil ? 3 : 4,
            drawerOpenWhenPin3High: drawerOpenWhenPin3High)
    }

    private static func codePage(named name: String) -> CodePage? {
        switch String(name.lowercased().filter { $0 != "-" && $0 != "_" }) {
        case "cp866", "pc866", "ibm866": .cp866
        case "wpc1251", "cp1251", "windows1251": .wpc1251
        default: nil
        }
    }
}
