/// How the customers enrolled in a period went on: enrolled → first purchase → repeat → regular.
///
/// The customers are those enrolled on a day within `from...to`; what they did is counted up to
/// and including `asOf`, wherever they bought (the facts do not say where a customer enrolled,
/// so the store filter does not apply to this report). The stages nest, each a part of the one
/// before:
/// - `enrolled`: enrolled within the period.
/// - `first_purchase`: of those, made a purchase (a day with a receipt) by `asOf`.
/// - `repeat`: of those, bought on two or more different days by `asOf`.
/// - `regular`: of those, eligible for the regular-customer discount as of `asOf`: at least
///   `regularVisits` receipts (visits, as the checkout counts them) in the `regularDays` days up
///   to and including `asOf`.
///
/// Conversions are between consecutive stages (`first_purchase_rate` = first_purchase /
/// enrolled, `repeat_rate` = repeat / first_purchase, `regular_rate` = regular / repeat), and
/// `overall_rate` = regular / enrolled; a conversion from a stage of nobody is empty.
///
/// One row per acquisition source (`none` for customers enrolled without one), by source, then a
/// row `all` for everyone.
public enum FunnelReport {
    /// The columns, in order.
    public static let columns = [
        "source", "enrolled", "first_purchase", "repeat", "regular", "first_purchase_rate", "repeat_rate", "regular_rate",
        "overall_rate",
    ]

    /// The funnel of the customers enrolled within `query.from...query.to`, as of `query.asOf`;
    /// `regularVisits` and `regularDays` are those of the regular-customer rule in force.
    public static func compute(_ facts: AnalyticsFacts, _ query: ReportQuery, regularVisits: Int32, regularDays: Int32) -> ReportTable {
        var table = ReportTable(columns: columns)
        guard query.from <= query.to else { return table }
        var sources = SourceSlots()
        var stages: [FunnelCounts] = []
        let windowStart = Int(query.asOf) - Int(regularDays)  // visits count on days after this one
        for customer in facts.customers where customer.enrolledDay >= query.from && customer.enrolledDay <= query.to {
            let slot = sources.slot(customer.source)
            if slot == stages.count { stages.append(FunnelCounts()) }
            stages[slot].enrolled += 1
            var purchaseDays = 0
            var visits: Int64 = 0
            for day in customer.days where day.day <= query.asOf && day.receipts > 0 {
                purchaseDays += 1
                if Int(day.day) > windowStart { visits += Int64(day.receipts) }
            }
            guard purchaseDays > 0 else { continue }
            stages[slot].firstPurchase += 1
            guard purchaseDays > 1 else { continue }
            stages[slot].repeatBuyers += 1
            if visits >= Int64(regularVisits) { stages[slot].regular += 1 }
        }
        var all = FunnelCounts()
        for slot in sources.orderedByLabel {
            table.append(stages[slot].row(sources.label(slot)))
            all.merge(stages[slot])
        }
        table.append(all.row("all"))
        return table
    }
}

/// The stage counts of one funnel row.
struct FunnelCounts {
    var enrolled: Int64 = 0
    var firstPurchase: Int64 = 0
    var repeatBuyers: Int64 = 0
    var regular: Int64 = 0

    mutating func merge(_ other: FunnelCounts) {
        enrolled += other.enrolled
        firstPurchase += other.firstPurchase
        repeatBuyers += other.repeatBuyers
        regular += other.regular
    }

    func row(_ source: String) -> [ReportValue] {
        [
            .text(source), .int(enrolled), .int(firstPurchase), .int(repeatBuyers), .int(regular),
            ReportCell.ratio(firstPurchase, enrolled), ReportCell.ratio(repeatBuyers, firstPurchase),
            ReportCell.ratio(regular, repeatBuyers), ReportCell.ratio(regular, enrolled),
        ]
    }
}
