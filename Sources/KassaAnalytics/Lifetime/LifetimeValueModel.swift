import Dispatch

/// The two fitted models that together value customers: BG/NBD for how often they will buy,
/// Gamma-Gamma for how much.
public struct LifetimeValueModel: Hashable, Sendable {
    /// Purchases over time.
    public var transactions: BetaGeometricNBD
    /// Spend per purchase.
    public var spend: GammaGamma

    /// The pair.
    public init(transactions: BetaGeometricNBD, spend: GammaGamma) {
        self.transactions = transactions
        self.spend = spend
    }

    /// Expected purchases in the next `horizonDays`, expected spend per purchase and lifetime
    /// value over `months` for every customer, in their order, over `threads` threads.
    ///
    /// Arrays are one entry per customer (frequency, recency and T in days, monetary the mean
    /// repeat spend in minor units). The loops write into the result arrays and allocate
    /// nothing per customer.
    public func estimate(frequency: [Int], recency: [Double], T: [Double], monetary: [Double], horizonDays: Double,
                         months: Int, annualDiscountRate: Double, threads: Int = 2) throws(LifetimeFitError) -> LifetimeEstimates {
        let count = frequency.count
        guard recency.count == count, T.count == count, monetary.count == count else {
            throw LifetimeFitError(.invalidCustomer, "frequency, recency, T and monetary have different lengths (\(count), \(recency.count), \(T.count), \(monetary.count)); give one entry per customer in each")
        }
        var estimates = LifetimeEstimates(count: count)
        let parts = max(1, min(threads, count / 1000))
        estimates.expectedPurchases.withUnsafeMutableBufferPointer { purchases in
            estimates.expectedAverageSpend.withUnsafeMutableBufferPointer { spends in
                estimates.customerLifetimeValue.withUnsafeMutableBufferPointer { values in
                    // Each part writes only its own range of customers.
                    let purchases = DisjointWrites(buffer: purchases), spends = DisjointWrites(buffer: spends)
                    let values = DisjointWrites(buffer: values)
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        for i in (count * part / parts)..<(count * (part + 1) / parts) {
                            purchases.write(transactions.expectedPurchases(t: horizonDays, frequency: frequency[i], recency: recency[i], T: T[i]), at: i)
                            spends.write(spend.expectedAverageSpend(frequency: frequency[i], monetary: monetary[i]), at: i)
                            values.write(spend.customerLifetimeValue(transactions: transactions, frequency: frequency[i], recency: recency[i],
                                                                     T: T[i], monetary: monetary[i], months: months,
                                                                     annualDiscountRate: annualDiscountRate), at: i)
                        }
                    }
                }
            }
        }
        return estimates
    }
}

/// Per customer, what ``LifetimeValueModel/estimate(frequency:recency:T:monetary:horizonDays:months:annualDiscountRate:threads:)`` found.
public struct LifetimeEstimates: Hashable, Sendable {
    /// Expected repeat purchases over the horizon.
    public var expectedPurchases: [Double]
    /// Expected spend per purchase, minor units.
    public var expectedAverageSpend: [Double]
    /// Discounted expected spend over the months asked for, minor units.
    public var customerLifetimeValue: [Double]

    init(count: Int) {
        expectedPurchases = [Double](repeating: 0, count: count)
        expectedAverageSpend = [Double](repeating: 0, count: count)
        customerLifetimeValue = [Double](repeating: 0, count: count)
    }
}
