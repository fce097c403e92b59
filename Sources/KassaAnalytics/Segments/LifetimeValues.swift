import Dispatch

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
        let monetary = summaries.map { max(0, $0.monetary) }
        do {
            let transactions = try BetaGeometricNBD.fit(frequency: frequency, recency: recency, T: age)
            self.transactions = transactions
            do {
                // Repeat buyers whose repeat days were refunded down to nothing carry no spend
                // per purchase to learn from (the model needs positive spend): they are left out
                // of the fit, as with lifetimes' usual `monetary_value > 0` filter, and valued
                // with the fitted model like everyone else.
                let spendFrequency = zip(frequency, monetary).map { $1 > 0 ? $0 : 0 }
                let spend = try GammaGamma.fit(frequency: spendFrequency, monetary: monetary)
                self.spend = spend
                let values = Self.estimate(transactions: transactions.model, spend: spend.model, frequency: frequency,
                                           recency: summaries.map(\.recencyDays), age: summaries.map(\.tDays), monetary: monetary,
                                           options: options)
                expectedPurchases90d = values.purchases
                clv = values.clv
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

    /// Expected purchases and values for every customer. BG/NBD's expectation is a part that
    /// depends only on the repeat days and the age (with the hypergeometric series in it),
    /// divided by one plus the odds of having dropped out (which needs recency, but no series).
    /// The first part is computed once per distinct (frequency, age), a few thousand pairs
    /// however many customers, at 90 days and at each month of the horizon; each customer then
    /// costs one power. The arithmetic is `GammaGamma.customerLifetimeValue`'s, reordered:
    /// spend × Σ discounted monthly increments ÷ (1 + odds).
    static func estimate(transactions: BetaGeometricNBD, spend: GammaGamma, frequency: [Int], recency: [Int], age: [Int],
                         monetary: [Double], options: AnalyticsOptions) -> (purchases: [Double], clv: [Double]) {
        let count = frequency.count
        var pairOf = [Int32](repeating: 0, count: count)
        var index: [Int64: Int32] = [:]
        var pairs: [(x: Int, age: Double)] = []
        for i in 0..<count {
            let key = Int64(frequency[i]) << 32 | Int64(age[i])
            if let known = index[key] {
                pairOf[i] = known
            } else {
                let next = Int32(pairs.count)
                index[key] = next
                pairs.append((frequency[i], Double(age[i])))
                pairOf[i] = next
            }
        }
        let distinct = pairs
        let growth = 1 + GammaGamma.monthlyDiscountRate(annual: options.clvAnnualDiscountRate)
        let months = options.clvHorizonMonths
        var purchases90 = [Double](repeating: 0, count: distinct.count)
        var discounted = [Double](repeating: 0, count: distinct.count)
        purchases90.withUnsafeMutableBufferPointer { purchases in
            discounted.withUnsafeMutableBufferPointer { sums in
                let purchases = DisjointWrites(buffer: purchases), sums = DisjointWrites(buffer: sums)
                let parts = distinct.count < 1_000 ? 1 : 2
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    // Each part writes only its own range of pairs.
                    for p in (distinct.count * part / parts)..<(distinct.count * (part + 1) / parts) {
                        let (x, t) = distinct[p]
                        purchases.write(transactions.expectedPurchasesIfAlive(t: 90, frequency: x, T: t), at: p)
                        var sum = 0.0, previous = 0.0, discount = 1.0
                        for month in stride(from: 1, through: months, by: 1) {
                            let expected = transactions.expectedPurchasesIfAlive(t: GammaGamma.daysPerMonth * Double(month), frequency: x, T: t)
                            discount *= growth
                            sum += (expected - previous) / discount
                            previous = expected
                        }
                        sums.write(sum, at: p)
                    }
                }
            }
        }
        var purchases = [Double](repeating: 0, count: count)
        var clv = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let p = Int(pairOf[i])
            let alive = 1 + transactions.aliveOdds(frequency: frequency[i], recency: Double(recency[i]), T: Double(age[i]))
            purchases[i] = purchases90[p] / alive
            clv[i] = spend.expectedAverageSpend(frequency: frequency[i], monetary: monetary[i]) * discounted[p] / alive
        }
        return (purchases, clv)
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
