/// An exact decimal read from a GS1 measure or amount: `significand` × 10^-`decimalPlaces`
/// (AI 3103 "000750" is 750 with 3 places, 0.750 kg).
public struct GS1Decimal: Hashable, Sendable, CustomStringConvertible {
    /// The digits as an integer.
    public let significand: Int64
    /// How many of the digits are after the decimal point.
    public let decimalPlaces: Int

    /// The decimal `significand` × 10^-`decimalPlaces`.
    public init(significand: Int64, decimalPlaces: Int) {
        self.significand = significand
        self.decimalPlaces = decimalPlaces
    }

    /// The value with exactly `places` decimals as an integer (0.750 to 3 places is 750, to 2
    /// places 75), or nil when that would drop a non-zero digit or overflow. A scale's reading
    /// or a price is never rounded here.
    public func scaled(toDecimalPlaces places: Int) -> Int64? {
        var value = significand
        if places >= decimalPlaces {
            for _ in 0..<(places - decimalPlaces) {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                value = product
            }
            return value
        }
        for _ in 0..<(decimalPlaces - places) {
            guard value % 10 == 0 else { return nil }
            value /= 10
        }
        return value
    }

    /// The decimal with all its places: "0.750", "12", "1.5".
    public var description: String {
        guard decimalPlaces > 0 else { return String(significand) }
        var digits = String(significand)
        if digits.count <= decimalPlaces {
            digits = String(repeating: "0", count: decimalPlaces - digits.count + 1) + digits
        }
        let point = digits.index(digits.endIndex, offsetBy: -decimalPlaces)
        return digits[..<point] + "." + digits[point...]
    }
}
