#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GammaGamma {
    /// Log-parameters the minimiser starts from. lifetimes starts every fit at 0.1; here v, the
    /// scale of spend, starts at 0.1 in units of the mean spend per purchase, so the same
    /// maximum is reached in the same number of steps whatever the currency's minor unit (in
    /// kopecks v is in the thousands, e^0.1 is a hundred steps away from it).
    static func startingLogParameters(_ rows: SpendRows) -> [Double] {
        [0.1, 0.1, 0.1 + log(rows.meanMonetary)]
    }

    /// Fits the model by maximum likelihood to the customers' repeat purchases: `frequency`
    /// repeat purchase days with mean spend `monetary` (minor units), each customer counting
    /// `weights[i]` times (nil: once). Customers without repeat purchases are skipped, which is
    /// what `lifetimes.GammaGammaFitter(penalizer_coef=0).fit` is given after the usual
    /// `frequency > 0` filter.
    public static func fit(frequency: [Int], monetary: [Double], weights: [Double]? = nil,
                           options: LifetimeFitOptions = LifetimeFitOptions()) throws(LifetimeFitError) -> LifetimeFit<GammaGamma> {
        let rows = try SpendRows(frequency: frequency, monetary: monetary, weights: weights)
        let likelihood = GammaGammaLikelihood(rows: rows, options: options)
        let start = startingLogParameters(rows)
        var gradient: [Double] = []
        guard likelihood.evaluate(start, gradient: &gradient).isFinite else {
            throw LifetimeFitError(.nonFiniteLikelihood, "the Gamma-Gamma likelihood is not finite at the starting point; check the repeat buyers' mean spend for extreme values")
        }
        let minimizer = QuasiNewtonMinimizer(gradientTolerance: options.gradientTolerance, iterationsMax: options.iterationsMax)
        let outcome = minimizer.minimize(from: start) { point, gradient in
            likelihood.evaluate(point, gradient: &gradient)
        }
        try outcome.check(model: "Gamma-Gamma", tolerance: options.gradientTolerance, hint: "with few repeat buyers, or spend that varies too little or too much, the parameters are not identified; fit once more customers have bought again")
        let parameters = outcome.point.map { exp($0) }
        return LifetimeFit(model: GammaGamma(p: parameters[0], q: parameters[1], v: parameters[2]),
                           negativeLogLikelihood: outcome.value, iterations: outcome.iterations,
                           evaluations: outcome.evaluations, customers: rows.weight.count, distinctRows: rows.weight.count)
    }
}
