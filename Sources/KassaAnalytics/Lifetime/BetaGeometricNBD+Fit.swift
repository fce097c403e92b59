#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BetaGeometricNBD {
    /// Log-parameters the minimiser starts from: lifetimes starts every fit at 0.1.
    static let startingLogParameters = [0.1, 0.1, 0.1, 0.1]

    /// Fits the model by maximum likelihood to customers given as frequency (repeat purchase
    /// days), recency and age T in days, each customer counting `weights[i]` times (nil: once):
    /// what `lifetimes.BetaGeoFitter(penalizer_coef=0).fit(frequency, recency, T)` does.
    ///
    /// Customers with the same (x, tₓ, T) are folded into one weighted row first, so ten
    /// million customers cost what their distinct patterns cost.
    public static func fit(frequency: [Int], recency: [Double], T: [Double], weights: [Double]? = nil,
                           options: LifetimeFitOptions = LifetimeFitOptions()) throws(LifetimeFitError) -> LifetimeFit<BetaGeometricNBD> {
        let table = try PurchasePatternTable(frequency: frequency, recency: recency, T: T, weights: weights)
        guard table.totalWeight > 0 else {
            throw LifetimeFitError(.noCustomers, "every customer has weight 0; the BG/NBD model needs at least one customer to fit")
        }
        let likelihood = BetaGeometricNBDLikelihood(table: table, options: options)
        let minimizer = QuasiNewtonMinimizer(gradientTolerance: options.gradientTolerance, iterationsMax: options.iterationsMax)
        var gradient: [Double] = []
        guard likelihood.evaluate(startingLogParameters, gradient: &gradient).isFinite else {
            throw LifetimeFitError(.nonFiniteLikelihood, "the BG/NBD likelihood is not finite at the starting point; check the customers' figures for extreme values")
        }
        let outcome = minimizer.minimize(from: startingLogParameters) { point, gradient in
            likelihood.evaluate(point, gradient: &gradient)
        }
        try outcome.check(model: "BG/NBD", tolerance: options.gradientTolerance, hint: "with so few repeat buyers, or all of them alike, the parameters are not identified; fit once more customers have bought again")
        let parameters = outcome.point.map { exp($0) }
        // The fit ran in time scaled to the oldest customer; α carries the time unit back.
        let model = BetaGeometricNBD(r: parameters[0], alpha: parameters[1] / table.timeScale, a: parameters[2], b: parameters[3])
        return LifetimeFit(model: model, negativeLogLikelihood: outcome.value, iterations: outcome.iterations,
                           evaluations: outcome.evaluations, customers: weights.map { $0.count { $0 > 0 } } ?? frequency.count,
                           distinctRows: table.rows)
    }
}
