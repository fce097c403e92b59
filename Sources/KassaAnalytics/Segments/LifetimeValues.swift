/// Expected purchases and discounted lifetime value for every customer of a segmentation, with
/// the BG/NBD and Gamma-Gamma parameters fitted for it (see `BetaGeometricNBD`, `GammaGamma`).
public struct LifetimeValues: Sendable {
    /// Per customer, in the order of the summaries given: expected purchases over the next 90
    /// days, and lifetime value over `AnalyticsOptions.clvHorizonMonths` in minor units.
    public var expectedPurchases90d: [Double]
    public var clv: [Double]
    /// The fitted models; nil where a model could not be fitted.
    public var transactions: LifetimeFit<BetaGeometricNBD>?
    public var spend: LifetimeFit<GammaGamma>?
    /// Why a model could not be fitted (no customers, no repeat buyers), or nil.
    public var note: String?

    /// Fits both models to `summaries` and values every customer. Without a BG/NBD fit nobody
    /// has expected purchases or a value; without a Gamma-Gamma fit (no repeat buyers yet),
    /// expected purchases are still given and values are 0.
    init(_ summaries: [PurchaseSummary], options: AnalyticsOptions) {
        let count = summaries.count
        expectedPurchases90d = [Double](repeating: 0, count: count)
        clv = [Double](repeating: 0, count: count)
        guard count > 0 else {
            note = "no customer has bought yet"
            return
        }
        let frequency = summaries.map(\.frequency)
        let recency = summaries.map { Double($0.recencyDays) }
        let age = summaries.map { Double($0.tDays) }
        let monetary = summaries.map(\.monetary)
        do {
            let transactions = try BetaGeometricNBD.fit(frequency: frequency, recency: recency, T: age)
            self.transactions = transactions
            do {
                let spend = try GammaGamma.fit(frequency: frequency, monetary: monetary)
                self.spend = spend
                let estimates = try LifetimeValueModel(transactions: transactions.model, spend: spend.model)
                    .estimate(frequency: frequency, recency: recency, T: age, monetary: monetary, horizonDays: 90,
                              months: options.clvHorizonMonths, annualDiscountRate: options.clvAnnualDiscountRate)
                expectedPurchases90d = estimates.expectedPurchases
                clv = estimates.customerLifetimeValue
            } catch {
                note = "spend per purchase not fitted: \(error.message)"
                for i in 0..<count {
                    expectedPurchases90d[i] = transactions.model.expectedPurchases(t: 90, frequency: frequency[i], recency: recency[i], T: age[i])
                }
            }
        } catch {
            note = "purchases over time not fitted: \(error.message)"
        }
    }

    /// The fitted parameters as (model, parameter, value): BG/NBD `r`, `alpha`, `a`, `b` and
    /// Gamma-Gamma `p`, `q`, `v`, each with the customers it was fitted on; empty for a model
    /// that could not be fitted.
    public var parameters: [(String, String, Double)] {
        var rows: [(String, String, Double)] = []
        if let fit = transactions {
            let m = fit.model
            rows += [("bgnbd", "r", m.r), ("bgnbd", "alpha", m.alpha), ("bgnbd", "a", m.a), ("bgnbd", "b", m.b),
                     ("bgnbd", "customers", Double(fit.customers))]
        }
        if let fit = spend {
            let m = fit.model
            rows += [("gamma_gamma", "p", m.p), ("gamma_gamma", "q", m.q), ("gamma_gamma", "v", m.v),
                     ("gamma_gamma", "customers", Double(fit.customers))]
        }
        return rows
    }
}
