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

    /// Sums the weight of each distinct pattern, frequency group by frequency group.
    ///
    /// The customers are first put in order of frequency (a counting sort: few distinct
    /// frequencies, many customers); within a group, a pattern is an (age, recency) cell, found
    /// through a dense grid when ages × recencies is small (whole days) or a dictionary when not.
    private mutating func fold(frequency: [Int], recencyIndex rIndex: [UInt32], ageIndex aIndex: [UInt32], weights: [Double]?) {
        let (distinct, groupOf) = Self.frequencyGroups(frequency)
        frequencies = distinct
        var next = [Int](repeating: 0, count: distinct.count + 1)
        for group in groupOf { next[Int(group) + 1] += 1 }
        for group in distinct.indices { next[group + 1] += next[group] }
        var order = [Int32](repeating: 0, count: frequency.count)
        for (customer, group) in groupOf.enumerated() {
            order[next[Int(group)]] = Int32(customer)
            next[Int(group)] += 1
        }
        let recencyCount = recencies.count
        let cells = ages.count * recencyCount
        var grid = cells <= Self.gridCellsMax ? [Int32](repeating: -1, count: cells) : []
        var groupEnd = 0
        for group in distinct.indices {
            let members = order[groupEnd..<next[group]]
            groupEnd = next[group]
            let firstRow = weight.count
            groupStart.append(firstRow)
            var dictionary: [UInt64: Int] = [:]
            for customer in members.lazy.map({ Int($0) }) {
                let w = weights?[customer] ?? 1
                guard w > 0 else { continue }
                let existing: Int?
                if grid.isEmpty {
                    let key = UInt64(aIndex[customer]) << 32 | UInt64(rIndex[customer])
                    existing = dictionary[key]
                    if existing == nil { dictionary[key] = weight.count }
                } else {
                    let cell = Int(aIndex[customer]) * recencyCount + Int(rIndex[customer])
                    existing = grid[cell] < 0 ? nil : Int(grid[cell])
                    if existing == nil { grid[cell] = Int32(weight.count) }
                }
                if let existing {
                    weight[existing] += w
                } else {
                    recencyIndex.append(rIndex[customer])
                    ageIndex.append(aIndex[customer])
                    weight.append(w)
                }
            }
            var sum = 0.0
            for row in firstRow..<weight.count {
                sum += weight[row]
                // Clear only the cells this group used, so the grid is ready for the next one.
                if !grid.isEmpty { grid[Int(ageIndex[row]) * recencyCount + Int(recencyIndex[row])] = -1 }
            }
            groupWeight.append(sum)
            totalWeight += sum
        }
        groupStart.append(weight.count)
    }

    /// Most (age, recency) cells folded through a dense grid (4 bytes each): 730 × 731 days of
    /// ages and recencies need half a million.
    static let gridCellsMax = 1 << 23

    /// The distinct frequencies, ascending, and each customer's position among them.
    private static func frequencyGroups(_ frequency: [Int]) -> (distinct: [Int], group: [Int32]) {
        let top = frequency.max() ?? 0
        if top <= DistinctValues.denseValueMax {
            var slot = [Int32](repeating: -1, count: top + 1)
            for x in frequency { slot[x] = 0 }
            var distinct: [Int] = []
            for x in 0...top where slot[x] == 0 {
                slot[x] = Int32(distinct.count)
                distinct.append(x)
            }
            return (distinct, frequency.map { slot[$0] })
        }
        let distinct = Set(frequency).sorted()
        var position: [Int: Int32] = [:]
        for (index, x) in distinct.enumerated() { position[x] = Int32(index) }
        return (distinct, frequency.map { position[$0] ?? 0 })
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
