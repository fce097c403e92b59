/// Customers folded into their distinct purchase patterns (x, t_x, T), each with the summed
/// weight of the customers that share it, grouped by frequency: the form in which the BG/NBD
/// likelihood is cheap (Fader and Hardie fit their models this way too).
///
/// Ages and recencies are kept once per distinct value, already multiplied by `timeScale`.
struct PurchasePatternTable {
    /// Most customers one fit takes; indexes are 32-bit to keep the table small.
    static let customersMax = Int(Int32.max)

    /// Distinct frequencies, ascending.
    var frequencies: [Int] = []
    /// Rows of frequency `frequencies[g]` are `groupStart[g]..<groupStart[g + 1]`.
    var groupStart: [Int] = []
    /// Summed weight of each frequency group.
    var groupWeight: [Double] = []
    /// Distinct recencies and ages, times `timeScale`.
    var recencies: [Double] = []
    var ages: [Double] = []
    /// Per row: which recency, which age, and how many customers (weighted) share the pattern.
    var recencyIndex: [UInt32] = []
    var ageIndex: [UInt32] = []
    var weight: [Double] = []
    /// The factor applied to times, 1 / (largest age), as lifetimes does, so that alpha starts
    /// near the other parameters' scale and the minimiser's first steps are sensible.
    var timeScale: Double = 1
    /// Summed weight of all customers.
    var totalWeight: Double = 0

    /// Distinct patterns.
    var rows: Int { weight.count }

    /// Checks and folds the customers; `weights` nil means one each.
    /// With `scalesTime` false the times stay in their own units (for evaluating, not fitting).
    init(frequency: [Int], recency: [Double], T: [Double], weights: [Double]?, scalesTime: Bool = true) throws(LifetimeFitError) {
        try Self.check(frequency: frequency, recency: recency, T: T, weights: weights)
        let ageTop = T.max() ?? 0
        guard ageTop > 0 else {
            throw LifetimeFitError(.invalidCustomer, "every customer has age T = 0 (first purchase on the as-of day); fit once some customers are older than a day")
        }
        timeScale = scalesTime ? 1 / ageTop : 1
        let recencyValues = DistinctValues(recency)
        let ageValues = DistinctValues(T)
        recencies = recencyValues.values.map { $0 * timeScale }
        ages = ageValues.values.map { $0 * timeScale }
        fold(frequency: frequency, recencyIndex: recencyValues.index, ageIndex: ageValues.index, weights: weights)
    }

    /// Sums the weight of each distinct pattern, then lays the patterns out by frequency.
    private mutating func fold(frequency: [Int], recencyIndex rIndex: [UInt32], ageIndex aIndex: [UInt32], weights: [Double]?) {
        struct Pattern: Hashable {
            var frequency: Int
            var recency: UInt32
            var age: UInt32
        }
        var slot: [Pattern: Int] = [:]
        slot.reserveCapacity(min(frequency.count, 1 << 20))
        var patterns: [Pattern] = []
        var patternWeight: [Double] = []
        for i in frequency.indices {
            let w = weights?[i] ?? 1
            guard w > 0 else { continue }
            let pattern = Pattern(frequency: frequency[i], recency: rIndex[i], age: aIndex[i])
            if let existing = slot[pattern] {
                patternWeight[existing] += w
            } else {
                slot[pattern] = patterns.count
                patterns.append(pattern)
                patternWeight.append(w)
            }
        }
        // Group by frequency, ascending, so each group's lgamma sums extend the previous one's;
        // a counting sort, since there are few distinct frequencies and many patterns.
        frequencies = Set(patterns.map(\.frequency)).sorted()
        var groupOf: [Int: Int] = [:]
        for (group, x) in frequencies.enumerated() { groupOf[x] = group }
        var next = [Int](repeating: 0, count: frequencies.count + 1)
        for pattern in patterns { next[(groupOf[pattern.frequency] ?? 0) + 1] += 1 }
        for group in frequencies.indices { next[group + 1] += next[group] }
        groupStart = next
        groupWeight = [Double](repeating: 0, count: frequencies.count)
        recencyIndex = [UInt32](repeating: 0, count: patterns.count)
        ageIndex = [UInt32](repeating: 0, count: patterns.count)
        weight = [Double](repeating: 0, count: patterns.count)
        for (position, pattern) in patterns.enumerated() {
            let group = groupOf[pattern.frequency] ?? 0
            let row = next[group]
            next[group] += 1
            recencyIndex[row] = pattern.recency
            ageIndex[row] = pattern.age
            weight[row] = patternWeight[position]
            groupWeight[group] += patternWeight[position]
            totalWeight += patternWeight[position]
        }
    }

    /// The rules lifetimes' `_check_inputs` applies, plus finiteness, with the customer named.
    private static func check(frequency: [Int], recency: [Double], T: [Double], weights: [Double]?) throws(LifetimeFitError) {
        guard !frequency.isEmpty else {
            throw LifetimeFitError(.noCustomers, "no customers to fit; the BG/NBD model needs at least one customer's purchase history")
        }
        guard recency.count == frequency.count, T.count == frequency.count, weights.map({ $0.count == frequency.count }) ?? true else {
            throw LifetimeFitError(.invalidCustomer, "frequency, recency, T (and weights) have different lengths (\(frequency.count), \(recency.count), \(T.count)\(weights.map { ", \($0.count)" } ?? "")); give one entry per customer in each")
        }
        guard frequency.count <= customersMax else {
            throw LifetimeFitError(.invalidCustomer, "\(frequency.count) customers is more than one fit takes (\(customersMax)); fit a sample")
        }
        for i in frequency.indices {
            let x = frequency[i], tx = recency[i], age = T[i]
            let why: String? =
                x < 0 ? "frequency \(x) is negative; it counts repeat purchase days"
                : !(tx >= 0 && tx.isFinite) ? "recency \(tx) is not a finite number ≥ 0"
                : !(age.isFinite) ? "age T \(age) is not finite"
                : tx > age ? "recency \(tx) is beyond its age T \(age); recency runs from the first purchase to the last, T from the first purchase to the as-of day"
                : x == 0 && tx != 0 ? "recency \(tx) with frequency 0; a customer without repeat purchases has recency 0"
                : !((weights?[i] ?? 1) >= 0 && (weights?[i] ?? 1).isFinite) ? "weight \(weights?[i] ?? 1) is not a finite number ≥ 0"
                : nil
            if let why {
                throw LifetimeFitError(.invalidCustomer, "customer at position \(i): \(why)")
            }
        }
    }
}
