#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GammaGamma {
    /// Days in one discounting step: lifetimes' `freq="D"` counts a month as 30 days.
    public static let daysPerMonth = 30.0

    /// The monthly rate equivalent to an annual discount rate: (1 + annual)^(1/12) − 1.
    public static func monthlyDiscountRate(annual: Double) -> Double {
        pow(1 + annual, 1.0 / 12) - 1
    }

    /// Discounted value of a customer's purchases over the next `months` months: lifetimes'
    /// `GammaGammaFitter.customer_lifetime_value(bgf, …, time=months, discount_rate=monthly,
    /// freq="D")` with the monthly rate derived from `annualDiscountRate`.
    ///
    /// Month i contributes expected spend × (E[purchases by 30·i days] − E[purchases by
    /// 30·(i−1) days]) / (1 + monthly rate)^i; times in days, spend in minor units.
    public func customerLifetimeValue(transactions: BetaGeometricNBD, frequency: Int, recency: Double, T: Double,
                                      monetary: Double, months: Int, annualDiscountRate: Double) -> Double {
        let growth = 1 + Self.monthlyDiscountRate(annual: annualDiscountRate)
        let spend = expectedAverageSpend(frequency: frequency, monetary: monetary)
        var value = 0.0
        var previous = 0.0
        var discount = 1.0
        for month in stride(from: 1, through: months, by: 1) {
            let expected = transactions.expectedPurchases(t: Self.daysPerMonth * Double(month), frequency: frequency,
                                                          recency: recency, T: T)
            discount *= growth
            value += spend * (expected - previous) / discount
            previous = expected
        }
        return value
    }
}
