/// A quantity of goods held exactly as thousandths: pieces, or kilograms for weighed goods.
///
/// `Quantity(thousandths: 755)` is 0.755 kg. Quantities come from JSON numbers and cashier input
/// with at most three decimals; anything finer is refused rather than rounded, so that a scale's
/// reading is never silently changed.
public struct Quantity: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The quantity times one thousand.
    public var thousandths: Int64

    /// A quantity of `thousandths` / 1000.
    public init(thousandths: Int64) { self.thousandths = thousandths }

    /// A whole number of pieces.
    public init(pieces: Int64) { self.thousandths = pieces * 1000 }

    /// Zero.
    public static let zero = Quantity(thousandths: 0)

    /// The largest quantity one line may carry (one million units); bigger is a typing error.
    public static let lineMax = Quantity(thousandths: 1_000_000_000)

    /// Parses a plain decimal (`2`, `0.755`, `12.5`) with at most three decimals and no exponent.
    public init?(decimal text: Substring) {
        var integer: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        var negative = false
        var index = text.startIndex
        if index < text.endIndex, text[index] == "-" {
            negative = true
            index = text.index(after: index)
        }
        while index < text.endIndex {
            let c = text[index]
            if c == "." {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if let digit = c.wholeNumberValue, c.isASCII {
                seenDigit = true
                if seenPoint {
                    fractionDigits += 1
                    guard fractionDigits <= 3 else { return nil }
                    fraction = fraction * 10 + Int64(digit)
                } else {
                    let (m, o1) = integer.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(Int64(digit))
                    guard !o1, !o2, s <= Int64.max / 1000 else { return nil }
                    integer = s
                }
            } else {
                return nil
            }
            index = text.index(after: index)
        }
        guard seenDigit else { return nil }
        while fractionDigits < 3 { fraction *= 10; fractionDigits += 1 }
        let value = integer * 1000 + fraction
        thousandths = negative ? -value : value
    }

    /// Parses like `init?(decimal:)`.
    public init?(decimal text: String) { self.init(decimal: Substring(text)) }

    /// `qty × price` rounded half-up to a minor unit (the contract's line amount), nil on overflow.
    @inlinable
    public func amount(price minorUnits: Int64) -> Int64? {
        if thousandths % 1000 == 0 {
            let (product, overflow) = minorUnits.multipliedReportingOverflow(by: thousandths / 1000)
            return overflow ? nil : product
        }
        return Rounding.scale(minorUnits, by: thousandths, dividedBy: 1000)
    }

    /// True for a whole number of pieces.
    public var isWhole: Bool { thousandths % 1000 == 0 }

    /// Orders quantities.
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.thousandths < rhs.thousandths }

    /// The shortest decimal text: `2`, `0.755`, `1.5`.
    public var description: String {
        let negative = thousandths < 0
        let magnitude = thousandths.magnitude
        var text = (negative ? "-" : "") + "\(magnitude / 1000)"
        var fraction = magnitude % 1000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            let raw = "\(fraction)"
            text += "." + String(repeating: "0", count: digits - raw.count) + raw
        }
        return text
    }
}
