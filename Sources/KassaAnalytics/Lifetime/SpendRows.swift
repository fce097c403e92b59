#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The repeat buyers a Gamma-Gamma fit uses, grouped by frequency, with x·m and the groups'
/// sums of ln m computed once rather than at every evaluation.
struct SpendRows {
    /// Distinct frequencies (all > 0), ascending; rows of `frequencies[g]` are
    /// `groupStart[g]..<groupStart[g + 1]`.
    var frequencies: [Int] = []
    var groupStart: [Int] = [0]
    /// Summed weight of each frequency group, and its summed weight × ln m.
    var groupWeight: [Double] = []
    var groupLogMonetary: [Double] = []
    /// Per row: weight and x·m.
    var weight: [Double] = []
    var spend: [Double] = []
    /// Summed weight of the repeat buyers.
    var totalWeight = 0.0
    /// The repeat buyers' weighted mean spend per purchase: the fit starts from v at this
    /// scale (see `GammaGamma.fit`).
    var meanMonetary = 0.0

    /// Keeps the customers with frequency > 0 and a positive weight; throws when none is left
    /// or a repeat buyer's mean spend is not positive.
    init(frequency: [Int], monetary: [Double], weights: [Double]?) throws(LifetimeFitError) {
        guard !frequency.isEmpty else {
            throw LifetimeFitError(.noCustomers, "no customers to fit; the Gamma-Gamma model needs customers with repeat purchases")
        }
        guard monetary.count == frequency.count, weights.map({ $0.count == frequency.count }) ?? true else {
            throw LifetimeFitError(.invalidCustomer, "frequency, monetary (and weights) have different lengths (\(frequency.count), \(monetary.count)\(weights.map { ", \($0.count)" } ?? "")); give one entry per customer in each")
        }
        var byFrequency: [Int: [Int]] = [:]
        for i in frequency.indices where frequency[i] > 0 && (weights?[i] ?? 1) > 0 {
            guard monetary[i] > 0, monetary[i].isFinite, (weights?[i] ?? 1).isFinite else {
                throw LifetimeFitError(.invalidCustomer, "customer at position \(i): mean repeat spend \(monetary[i]) (weight \(weights?[i] ?? 1)) is not a positive finite number; the Gamma-Gamma model needs positive spend, so leave out returns-only customers")
            }
            byFrequency[frequency[i], default: []].append(i)
        }
        guard !byFrequency.isEmpty else {
            throw LifetimeFitError(.noRepeatBuyers, "no customer has a repeat purchase, and the Gamma-Gamma spend model is fitted on repeat purchases only; wait until customers have come back")
        }
        for x in byFrequency.keys.sorted() {
            var groupTotal = 0.0, groupLog = 0.0
            for i in byFrequency[x] ?? [] {
                let w = weights?[i] ?? 1
                weight.append(w)
                spend.append(Double(x) * monetary[i])
                groupTotal += w
                groupLog += w * log(monetary[i])
                meanMonetary += w * monetary[i]
            }
            frequencies.append(x)
            groupStart.append(weight.count)
            groupWeight.append(groupTotal)
            groupLogMonetary.append(groupLog)
            totalWeight += groupTotal
        }
        meanMonetary /= totalWeight
    }
}
