/// Recency, frequency and monetary value, scored in quintiles and named.
///
/// **Scores.** Among customers with at least one purchase by the as-of day, each value gets
/// `1 + ⌊5 × worse / n⌋`, where `worse` counts the customers whose value is strictly worse and
/// `n` all of them: 5 is the best fifth. Equal values always get equal scores (ties are never
/// split by card order), so a quintile can hold more or fewer than a fifth of the customers.
/// Recency is days since the last purchase (fewer is better), frequency the receipts, monetary
/// the spend after discounts, net of refunds.
///
/// **Names.** The segment follows from the recency and frequency scores (the usual R×F grid;
/// monetary is shown but does not move a customer between segments):
///
/// | R \ F | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|
/// | 5 | new | potential_loyalists | potential_loyalists | champions | champions |
/// | 4 | promising | potential_loyalists | potential_loyalists | loyal | loyal |
/// | 3 | about_to_sleep | about_to_sleep | need_attention | loyal | loyal |
/// | 2 | hibernating | hibernating | at_risk | at_risk | cant_lose |
/// | 1 | lost | hibernating | at_risk | at_risk | cant_lose |
///
/// A customer with no purchase yet is `no_purchases`.
public enum RFM {
    /// Every segment name, best first, `no_purchases` last.
    public static let segments = [
        "champions", "loyal", "potential_loyalists", "new", "promising", "need_attention", "about_to_sleep", "at_risk",
        "cant_lose", "hibernating", "lost", "no_purchases",
    ]

    /// The segment of recency score `r` and frequency score `f` (1...5 each).
    public static func segment(r: Int, f: Int) -> String {
        switch (r, f) {
        case (5, 4...5): "champions"
        case (3...5, 4...5): "loyal"
        case (4...5, 2...3): "potential_loyalists"
        case (5, _): "new"
        case (4, _): "promising"
        case (3, 3): "need_attention"
        case (3, _): "about_to_sleep"
        case (1...2, 5): "cant_lose"
        case (1...2, 3...4): "at_risk"
        case (1, 1): "lost"
        default: "hibernating"
        }
    }

    /// Quintile scores of `values` (see the type's notes); `higherIsBetter` false for recency.
    /// Values within a small range (days, receipts) are counted rather than sorted.
    public static func scores(_ values: [Int64], higherIsBetter: Bool) -> [Int] {
        let n = values.count
        guard n > 0, let low = values.min(), let high = values.max() else { return [] }
        if high - low < Int64(4 * n + 1024) { return countedScores(values, low: low, high: high, higherIsBetter: higherIsBetter) }
        let sorted = values.sorted()
        return values.map { value in
            let worse = higherIsBetter ? lowerBound(sorted, value) : n - upperBound(sorted, value)
            return 1 + (5 * worse) / n
        }
    }

    /// The same scores from a histogram: how many values lie strictly below (or above) each.
    private static func countedScores(_ values: [Int64], low: Int64, high: Int64, higherIsBetter: Bool) -> [Int] {
        let n = values.count
        var below = [Int](repeating: 0, count: Int(high - low) + 2)
        for value in values { below[Int(value - low) + 1] += 1 }
        for i in 1..<below.count { below[i] += below[i - 1] }
        // below[v - low] is now the count of values < v; n - below[v - low + 1] those > v.
        return values.map { value in
            let slot = Int(value - low)
            let worse = higherIsBetter ? below[slot] : n - below[slot + 1]
            return 1 + (5 * worse) / n
        }
    }

    private static func lowerBound(_ sorted: [Int64], _ value: Int64) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private static func upperBound(_ sorted: [Int64], _ value: Int64) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
