#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BG/NBD model of repeat purchasing (Fader, Hardie and Lee 2005): while alive a customer
/// buys at a rate λ ~ Gamma(r, α), and after each repeat purchase drops out with a probability
/// p ~ Beta(a, b). Times are in days throughout, so α is in days too.
///
/// The formulas are those of the Python `lifetimes` library (0.11.3), `BetaGeoFitter`, so that
/// numbers can be compared with it.
public struct BetaGeometricNBD: Hashable, Sendable {
    /// Shape of the purchase-rate distribution.
    public var r: Double
    /// Scale of the purchase-rate distribution, in days.
    public var alpha: Double
    /// First shape of the dropout-probability distribution.
    public var a: Double
    /// Second shape of the dropout-probability distribution.
    public var b: Double

    /// A model with the given parameters (all positive).
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// Expected repeat purchases in the next `t` days of a customer with `frequency` repeat
    /// purchase days, the last `recency` days after the first, and first bought `T` days ago:
    /// lifetimes' `conditional_expected_number_of_purchases_up_to_time` (equation 10).
    public func expectedPurchases(t: Double, frequency: Int, recency: Double, T: Double) -> Double {
        expectedPurchasesIfAlive(t: t, frequency: frequency, T: T) / (1 + aliveOdds(frequency: frequency, recency: recency, T: T))
    }

    /// The numerator of `expectedPurchases`: it does not depend on recency, so customers who
    /// share a frequency and an age share it (and its hypergeometric series) at every horizon.
    public func expectedPurchasesIfAlive(t: Double, frequency: Int, T: Double) -> Double {
        let x = Double(frequency)
        let c = a + b + x - 1
        let z = t / (alpha + T + t)
        let logHypergeometric = logHypergeometric2F1(r + x, b + x, c, z)
        let first = c / (a - 1)
        let second = 1 - exp(logHypergeometric + (r + x) * log((alpha + T) / (alpha + t + T)))
        return first * second
    }

    /// The odds that a customer with these figures has dropped out; `expectedPurchases` divides
    /// by one plus them. 0 without repeat purchases.
    public func aliveOdds(frequency: Int, recency: Double, T: Double) -> Double {
        guard frequency > 0 else { return 0 }
        let x = Double(frequency)
        return a / (b + x - 1) * pow((alpha + T) / (alpha + recency), r + x)
    }

    /// Probability that the customer is still alive: lifetimes' `conditional_probability_alive`.
    public func probabilityAlive(frequency: Int, recency: Double, T: Double) -> Double {
        guard frequency > 0 else { return 1 }
        let x = Double(frequency)
        let logOdds = (r + x) * log((alpha + T) / (alpha + recency)) + log(a / (b + x - 1))
        return 1 / (1 + exp(logOdds))
    }

    /// The mean negative log-likelihood of these parameters for the customers (times in days,
    /// `weights` nil for one each): lifetimes' `_negative_log_likelihood` with penalizer 0.
    public func negativeLogLikelihood(frequency: [Int], recency: [Double], T: [Double],
                                      weights: [Double]? = nil) throws(LifetimeFitError) -> Double {
        let table = try PurchasePatternTable(frequency: frequency, recency: recency, T: T, weights: weights, scalesTime: false)
        let likelihood = BetaGeometricNBDLikelihood(table: table, options: LifetimeFitOptions())
        var gradient: [Double] = []
        return likelihood.evaluate([log(r), log(alpha), log(a), log(b)], gradient: &gradient)
    }
}
