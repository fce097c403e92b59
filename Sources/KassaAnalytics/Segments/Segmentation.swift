import KassaCore

/// Every customer's RFM segment and lifetime value as of a day, from the facts.
public enum Segmentation {
    /// Computes a snapshot: RFM scores and names (see `RFM`), the buy-till-you-die summary,
    /// expected purchases over 90 days and the discounted lifetime value (see `LifetimeValues`).
    public static func compute(_ facts: AnalyticsFacts, asOf: LocalDate, options: AnalyticsOptions, number: UInt64,
                               computedAt: Timestamp) -> (SegmentSnapshot, LifetimeValues) {
        let asOfDay = asOf.daysSinceEpoch
        var keyed = facts.customers.indices.map { (key: CardOrder(facts.customers[$0].card), index: Int32($0)) }
        keyed.sort { $0.key < $1.key }
        let order = keyed.map { Int($0.index) }
        keyed = []
        var summaries: [PurchaseSummary] = []
        var buyers: [Int] = []  // positions in `order` of customers with a purchase
        summaries.reserveCapacity(order.count)
        for (position, index) in order.enumerated() {
            guard let summary = PurchaseSummary(days: facts.customers[index].days, asOf: asOfDay) else { continue }
            summaries.append(summary)
            buyers.append(position)
        }
        let r = RFM.scores(summaries.map { Int64($0.daysSinceLast) }, higherIsBetter: false)
        let f = RFM.scores(summaries.map(\.receipts), higherIsBetter: true)
        let m = RFM.scores(summaries.map(\.spend), higherIsBetter: true)
        let values = LifetimeValues(summaries, options: options)

        var rows: [CustomerSegment] = []
        rows.reserveCapacity(order.count)
        var next = 0
        for (position, index) in order.enumerated() {
            let card = facts.customers[index].card
            guard next < buyers.count, buyers[next] == position else {
                rows.append(CustomerSegment(card: card, segment: "no_purchases", r: 0, f: 0, m: 0, frequency: 0, recencyDays: 0,
                                            tDays: 0, monetary: 0, expectedPurchases90d: 0, clv: 0))
                continue
            }
            let s = summaries[next]
            rows.append(CustomerSegment(card: card, segment: RFM.segment(r: r[next], f: f[next]), r: r[next], f: f[next], m: m[next],
                                        frequency: s.frequency, recencyDays: s.recencyDays, tDays: s.tDays,
                                        monetary: Int64(s.monetary.rounded(.toNearestOrAwayFromZero)),
                                        expectedPurchases90d: values.expectedPurchases90d[next],
                                        clv: Int64(values.clv[next].rounded(.toNearestOrAwayFromZero))))
            next += 1
        }
        let snapshot = SegmentSnapshot(number: number, asOf: asOf, computedAt: computedAt, throughSeq: facts.throughSeq, customers: rows)
        return (snapshot, values)
    }
}
