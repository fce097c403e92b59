/// The bytes of a 2×20 customer display with Epson's DM-D command set (the ESC/POS commands
/// for displays): initialize, clear, cursor home and position, and whole lines of text.
///
/// Every line is written whole, padded with spaces to 20 columns, after placing the cursor at
/// its start, so nothing of the previous text is left and the display's own wrapping and
/// scrolling never come into play.
public struct CustomerDisplayEncoder: Hashable, Sendable {
    /// Characters per line.
    public static let columns = 20
    /// Lines on the display.
    public static let rows = 2

    /// The character table of the display (Cyrillic through PC866).
    public let codePage: CodePage
    /// The `ESC t n` number of `codePage` on the display.
    public let codePageNumber: UInt8
    /// The word before the total.
    public let totalLabel: String

    /// An encoder for a display with `codePage` under `codePageNumber`.
    public init(codePage: CodePage = .cp866, codePageNumber: UInt8 = 17, totalLabel: String = "ИТОГО") {
        self.codePage = codePage
        self.codePageNumber = codePageNumber
        self.totalLabel = totalLabel
    }

    /// `ESC @`, `ESC t n`, `US MD1` (overwrite mode: no scrolling), `US C 0` (no cursor), `CLR`.
    public func initialize() -> [UInt8] {
        [0x1B, 0x40, 0x1B, 0x74, codePageNumber, 0x1F, 0x01, 0x1F, 0x43, 0x00] + clear()
    }

    /// `CLR`: blank the display; the cursor goes home.
    public func clear() -> [UInt8] { [0x0C] }

    /// `HOM`: the cursor to the left end of the upper line.
    public func home() -> [UInt8] { [0x0B] }

    /// `US $ n m`: the cursor to `column` (1–20) on `row` (1–2).
    public func moveCursor(column: Int, row: Int) throws(EscPosError) -> [UInt8] {
        guard (1...Self.columns).contains(column), (1...Self.rows).contains(row) else {
            throw EscPosError(.outOfRange, "display position column \(column), row \(row) is outside 1...\(Self.columns) and 1...\(Self.rows)")
        }
        return [0x1F, 0x24, UInt8(column), UInt8(row)]
    }

    /// `text` on `row`, cut or padded to the full width.
    public func line(_ text: String, row: Int) throws(EscPosError) -> [UInt8] {
        let fitted = ReceiptText.truncated(text, width: Self.columns)
        let padded = fitted + String(repeating: " ", count: Self.columns - fitted.count)
        return try moveCursor(column: 1, row: row) + codePage.encode(padded)
    }

    /// The text of one line: `left` and `right` with `right` flush right.
    public static func columns(_ left: String, _ right: String) -> String {
        ReceiptText.columns(left, right, width: columns)
    }

    /// The last item scanned on the upper line ("Молоко 3,2%    89.90") and the running total
    /// on the lower ("ИТОГО        1 234.50").
    public func item(_ name: String, price: Int64, total: Int64) -> [UInt8] {
        lines(Self.columns(name, ReceiptText.money(price)), Self.columns(totalLabel, ReceiptText.money(total)))
    }

    /// The total alone, on the lower line, with `caption` above it.
    public func total(_ total: Int64, caption: String = "") -> [UInt8] {
        lines(caption, Self.columns(totalLabel, ReceiptText.money(total)))
    }

    /// Two whole lines.
    public func lines(_ upper: String, _ lower: String) -> [UInt8] {
        // Rows 1 and 2 are within the display, so positioning cannot fail.
        ((try? line(upper, row: 1)) ?? []) + ((try? line(lower, row: 2)) ?? [])
    }
}
