#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma model of spend per purchase (Fader and Hardie 2005, note 025): each
/// purchase's value is Gamma(p, ν) with ν ~ Gamma(q, v) across customers, independent of how
/// often they buy. Spend is in the currency's minor units.
///
/// The formulas are those of `lifetimes` (0.11.3), `GammaGammaFitter`.
public struct GammaGamma: Hashable, Sendable {
    /// Shape of each purchase's value.
    public var p: Double
    /// Shape of the customers' rate distribution.
    public var q: Double
    /// Scale of the customers' rate distribution, in minor units.
    public var v: Double

    /// A model with the given parameters (all positive; q > 1 for a finite mean spend).
    public init(p: Double, q: Double, v: Double) {
        self.p = p
        self.q = q
        self.v = v
    }

    /// Expected spend per purchase of a customer with `frequency` repeat purchases averaging
    /// `monetary`: lifetimes' `conditional_expected_average_profit`, a weighted mean of the
    /// population's mean and the customer's own (the population's alone with no repeats).
    public func expectedAverageSpend(frequency: Int, monetary: Double) -> Double {
        let x = Double(frequency)
        let individualWeight = p * x / (p * x + q - 1)
        let populationMean = v * p / (q - 1)
        return (1 - individualWeight) * populationMean + individualWeight * monetary
    }

    /// The mean negative log-likelihood of these parameters for repeat buyers with `frequency`
    /// repeat purchases averaging `monetary`: lifetimes' `_negative_log_likelihood`, penalizer 0.
    /// Customers without repeat purchases are left out, as a Gamma-Gamma fit leaves them out.
    public func negativeLogLikelihood(frequency: [Int], monetary: [Double], weights: [Double]? = nil) throws(LifetimeFitError) -> Double {
        let rows = try SpendRows(frequency: frequency, monetary: monetary, weights: weights)
        var gradient: [Double] = []
        return GammaGammaLikelihood(rows: rows).evaluate([log(p), log(q), log(v)], gradient: &gradient)
    }
}
