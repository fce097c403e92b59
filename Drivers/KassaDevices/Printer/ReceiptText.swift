import KassaCore

/// The pure text functions of receipts and the customer display: money, quantities, card
/// masks and fitting text into columns. Widths count `Character`s, which is what the code
/// pages print one cell each for.
public enum ReceiptText {
    /// Minor units as roubles with a space between thousands and two decimals: `1 234.50`,
    /// `-0.05`.
    public static func money(_ minorUnits: Int64) -> String {
        let magnitude = minorUnits.magnitude
        let kopecks = magnitude % 100
        let roubles = groupedThousands(magnitude / 100)
        return (minorUnits < 0 ? "-" : "") + roubles + "." + (kopecks < 10 ? "0" : "") + String(kopecks)
    }

    /// Whole points with thousands grouped: `12 345`.
    public static func points(_ points: Int64) -> String {
        (points < 0 ? "-" : "") + groupedThousands(points.magnitude)
    }

    /// A quantity as printed before "x price": whole pieces as `2`, fractional pieces as
    /// `1.5`, weights always with three decimals and the unit: `0.755 кг`.
    public static func quantity(_ quantity: Quantity, weighed: Bool) -> String {
        guard weighed else { return quantity.description }
        let magnitude = quantity.thousandths.magnitude
        let grams = magnitude % 1000
        let padded = grams < 10 ? "00\(grams)" : grams < 100 ? "0\(grams)" : "\(grams)"
        return (quantity.thousandths < 0 ? "-" : "") + "\(magnitude / 1000).\(padded) кг"
    }

    /// A card number with every digit but the last four replaced by `*`; too short a number is
    /// masked entirely, so a typing error never prints a whole card.
    public static func maskedCard(_ number: String) -> String {
        let characters = Array(number)
        guard characters.count > 4 else { return String(repeating: "*", count: characters.count) }
        return String(repeating: "*", count: characters.count - 4) + String(characters.suffix(4))
    }

    /// `text` cut to at most `width` characters.
    public static func truncated(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        return text.count <= width ? text : String(text.prefix(width))
    }

    /// `left` and `right` on one line of `width`: `right` flush right, `left` cut so at least
    /// one space stays between them. `right` is never cut unless it alone is wider than the line.
    public static func columns(_ left: String, _ right: String, width: Int) -> String {
        let rightText = truncated(right, width: width)
        let room = width - rightText.count - 1
        let leftText = room > 0 ? truncated(left, width: room) : ""
        let gap = width - leftText.count - rightText.count
        return leftText + String(repeating: " ", count: max(gap, 0)) + rightText
    }

    /// `text` cut into lines of at most `width` characters, breaking at spaces where it can,
    /// and at most `linesMax` lines (what does not fit is left out).
    public static func wrapped(_ text: String, width: Int, linesMax: Int) -> [String] {
        guard width > 0, linesMax > 0 else { return [] }
        var lines: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty && lines.count < linesMax {
            if rest.count <= width {
                lines.append(String(rest))
                break
            }
            let window = rest.prefix(width + 1)
            let breakAt = window.lastIndex(of: " ").flatMap { $0 > rest.startIndex ? $0 : nil }
            let end = breakAt ?? rest.index(rest.startIndex, offsetBy: width)
            lines.append(String(rest[..<end]))
            rest = rest[end...].drop(while: { $0 == " " })
        }
        return lines
    }

    private static func groupedThousands(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(" ") }
            text.append(digit)
        }
        return text
    }
}
