/// The one place where Kassa rounds money: half-up to a whole minor unit.
///
/// Every amount that is not a whole number of minor units (a weighed line, a percent discount,
/// a partial refund) goes through here, so that a quote, a sale and a return of the same line
/// always agree to the kopeck.
public enum Rounding {
    /// `numerator / denominator` rounded half-up (half away from zero for negative values);
    /// nil when an intermediate product would overflow Int64.
    @inlinable
    public static func halfUp(_ numerator: Int64, dividedBy denominator: Int64) -> Int64? {
        precondition(denominator > 0, "a rounding denominator must be positive")
        let half = denominator / 2
        if numerator >= 0 {
            let (sum, overflow) = numerator.addingReportingOverflow(half)
            return overflow ? nil : sum / denominator
        }
        let (sum, overflow) = numerator.subtractingReportingOverflow(half)
        return overflow ? nil : sum / denominator
    }

    /// `value × multiplier / divisor`, rounded half-up, with the product computed in 128 bits
    /// so that large prices times large quantities never overflow silently.
    @inlinable
    public static func scale(_ value: Int64, by multiplier: Int64, dividedBy divisor: Int64) -> Int64? {
        precondition(divisor > 0, "a scaling divisor must be positive")
        let product = value.multipliedFullWidth(by: multiplier)
        let negative = (product.high < 0)
        // Work on the magnitude so that half-up is symmetric around zero.
        var magnitude = (high: UInt64(bitPattern: product.high), low: product.low)
        if negative {
            magnitude.low = ~magnitude.low &+ 1
            magnitude.high = ~magnitude.high &+ (magnitude.low == 0 ? 1 : 0)
        }
        let d = UInt64(divisor)
        guard magnitude.high < d else { return nil }
        // A product within 64 bits (nearly every line) is divided in 64 bits: dividing 128 bits
        // is a call into the runtime, and the same quotient and remainder.
        let (quotient, remainder) = magnitude.high == 0
            ? magnitude.low.quotientAndRemainder(dividingBy: d) : d.dividingFullWidth((magnitude.high, magnitude.low))
        var rounded = quotient
        if remainder >= d - remainder { rounded &+= 1 }
        guard rounded <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(rounded) : Int64(rounded)
    }
}
