/// What each acquisition source brings: customers enrolled, and the trade of its customers in
/// the period.
///
/// Columns, per source (`none` for customers enrolled without one) and for `all`:
/// - `enrolled`: customers of the source enrolled within `from...to` (at any store: the facts do
///   not say where a customer enrolled).
/// - `buyers`: customers of the source, whenever enrolled, with a purchase (a day with a receipt)
///   within `from...to` at the store asked for.
/// - `receipts`: their receipts in the period; `revenue`: their spend in the period after
///   discounts and net of refunds, minor units.
/// - `average_check`: revenue / receipts, minor units rounded half-up.
/// - `repeat_rate`: the share of buyers who bought on two or more days within the period.
/// - `retention`: the share of buyers who came back recently: bought in the `retentionDays`
///   days up to and including `asOf`, on a day after their first purchase day in the period.
///   With `asOf` after the period this is "bought again in the last 90 days"; with `asOf` at the
///   end of the period, "bought again, and recently".
///
/// Rates over no buyers are empty. Rows are by source, then `all`.
public enum SourcesReport {
    /// The columns, in order.
    public static let columns = [
        "source", "enrolled", "buyers", "receipts", "revenue", "average_check", "repeat_rate", "retention",
    ]

    /// The sources table of `query`; `retentionDays` is the window of `retention` (90 by default).
    public static func compute(_ facts: AnalyticsFacts, _ query: ReportQuery, retentionDays: Int32 = 90) -> ReportTable {
        var table = ReportTable(columns: columns)
        guard query.from <= query.to else { return table }
        var sources = SourceSlots()
        var sums: [SourceTotals] = []
        let retainedAfter = Int(query.asOf) - Int(retentionDays)  // a return counts on days after this one
        for customer in facts.customers {
            let slot = sources.slot(customer.source)
            if slot == sums.count { sums.append(SourceTotals()) }
            if customer.enrolledDay >= query.from && customer.enrolledDay <= query.to { sums[slot].enrolled += 1 }
            var firstDay: Int32?  // the first purchase day within the period
            var purchaseDays = 0
            var receipts: Int64 = 0
            var revenue: Int64 = 0
            var retained = false
            // Days come oldest first, so the period's first purchase day is known before any
            // later day that could make the customer retained.
            for day in customer.days {
                if let store = query.store, day.store != store { continue }
                let inPeriod = day.day >= query.from && day.day <= query.to
                if inPeriod { revenue += day.spend }
                guard day.receipts > 0 else { continue }
                if inPeriod {
                    receipts += Int64(day.receipts)
                    purchaseDays += 1
                    if firstDay == nil {
                        firstDay = day.day
                        continue
                    }
                }
                if let firstDay, day.day > firstDay, day.day <= query.asOf, Int(day.day) > retainedAfter { retained = true }
            }
            guard firstDay != nil else { continue }
            sums[slot].buyers += 1
            sums[slot].receipts += receipts
            sums[slot].revenue += revenue
            if purchaseDays > 1 { sums[slot].repeatBuyers += 1 }
            if retained { sums[slot].retained += 1 }
        }
        var all = SourceTotals()
        for slot in sources.orderedByLabel {
            table.append(sums[slot].row(sources.label(slot)))
            all.merge(sums[slot])
        }
        table.append(all.row("all"))
        return table
    }
}

/// The sums of one sources row.
struct SourceTotals {
    var enrolled: Int64 = 0
    var buyers: Int64 = 0
    var receipts: Int64 = 0
    var revenue: Int64 = 0
    var repeatBuyers: Int64 = 0
    var retained: Int64 = 0

    mutating func merge(_ other: SourceTotals) {
        enrolled += other.enrolled
        buyers += other.buyers
        receipts += other.receipts
        revenue += other.revenue
        repeatBuyers += other.repeatBuyers
        retained += other.retained
    }

    func row(_ source: String) -> [ReportValue] {
        [
            .text(source), .int(enrolled), .int(buyers), .int(receipts), .int(revenue), ReportCell.average(revenue, per: receipts),
            ReportCell.ratio(repeatBuyers, buyers), ReportCell.ratio(retained, buyers),
        ]
    }
}
