import KassaCore

/// How the KPI report groups days: one row per store and day, or per store and ISO week.
public enum KPIGranularity: String, Sendable, CaseIterable {
    /// One row per store and local day.
    case day
    /// One row per store and ISO week (Monday to Sunday, `2026-W47`).
    case week
}

/// The store's trade at a glance, per store and day or per store and ISO week.
///
/// Columns:
/// - `store`: the store code, or `all` for every store together.
/// - `period`: the day (`2026-11-22`), the ISO week (`2026-W47`, weeks start on Monday), or
///   `total` for the whole period. A week at either end of `from...to` counts only its days
///   inside the period.
/// - `receipts`: receipts registered, voided ones taken back.
/// - `lines`: receipt lines.
/// - `subtotal`, `discount`: sums before discounts and of discounts, minor units.
/// - `revenue`: receipt totals after discounts, minor units; refunds are not taken off here.
/// - `refunds`: money refunded by returns taken in the period, minor units.
/// - `average_check`: revenue / receipts in minor units, rounded half-up (empty without receipts).
/// - `items_per_receipt`: lines / receipts (empty without receipts).
/// - `discount_share`: discount / subtotal (empty when the subtotal is zero).
/// - `new_customers`: loyalty customers whose first purchase ever was that day at that store.
///
/// Rows are in period order, stores by code within a period. When no store is asked for, each
/// period also gets a row for `all` stores (even if there is only one), after the stores; the
/// report ends with the `total` rows of the whole period, per store and for `all`. Only stores
/// and periods with trade or new customers get rows, so an empty period gives an empty table.
public enum KPIReport {
    /// The columns, in order.
    public static let columns = [
        "store", "period", "receipts", "lines", "subtotal", "discount", "revenue", "refunds", "average_check",
        "items_per_receipt", "discount_share", "new_customers",
    ]

    /// The KPI table of `query`'s days and store, grouped by `granularity`.
    public static func compute(_ facts: AnalyticsFacts, _ query: ReportQuery, granularity: KPIGranularity = .day) -> ReportTable {
        var table = ReportTable(columns: columns)
        let storeCount = facts.stores.count
        guard let period = ReportCalendar.period(query), storeCount > 0 else { return table }
        if let store = query.store, !(0..<storeCount).contains(Int(store)) { return table }
        let slots = KPISlots(period: period, granularity: granularity)
        var cells = [KPITotals](repeating: KPITotals(), count: slots.count * storeCount)

        for fact in facts.storeDays {
            let day = Int(fact.day), store = Int(fact.store)
            guard period.contains(day), store >= 0, store < storeCount, query.store.map({ Int($0) == store }) ?? true else { continue }
            cells[slots.slot(day) * storeCount + store].add(fact)
        }
        for customer in facts.customers {
            guard let first = customer.days.first(where: { $0.receipts > 0 }) else { continue }
            let day = Int(first.day), store = Int(first.store)
            guard period.contains(day), store >= 0, store < storeCount, query.store.map({ Int($0) == store }) ?? true else { continue }
            cells[slots.slot(day) * storeCount + store].newCustomers += 1
            cells[slots.slot(day) * storeCount + store].seen = true
        }

        let storeOrder = facts.stores.indices.sorted { facts.stores[$0] < facts.stores[$1] }
        var storeTotals = [KPITotals](repeating: KPITotals(), count: storeCount)
        var allTotal = KPITotals()
        for slot in 0..<slots.count {
            var all = KPITotals()
            var label: String?
            for store in storeOrder where cells[slot * storeCount + store].seen {
                let cell = cells[slot * storeCount + store]
                let periodLabel = label ?? slots.label(slot)
                label = periodLabel
                table.append(cell.row(store: facts.stores[store], period: periodLabel))
                all.merge(cell)
                storeTotals[store].merge(cell)
            }
            if let label, query.store == nil { table.append(all.row(store: "all", period: label)) }
            allTotal.merge(all)
        }
        for store in storeOrder where storeTotals[store].seen {
            table.append(storeTotals[store].row(store: facts.stores[store], period: "total"))
        }
        if query.store == nil, allTotal.seen { table.append(allTotal.row(store: "all", period: "total")) }
        return table
    }
}

/// The periods of a KPI report: a slot per day, or per ISO week touching the period.
struct KPISlots {
    let firstDay: Int
    let granularity: KPIGranularity
    let count: Int

    init(period: ClosedRange<Int>, granularity: KPIGranularity) {
        self.granularity = granularity
        switch granularity {
        case .day:
            firstDay = period.lowerBound
            count = period.count
        case .week:
            firstDay = ReportCalendar.isoWeekStart(period.lowerBound)
            count = (ReportCalendar.isoWeekStart(period.upperBound) - firstDay) / 7 + 1
        }
    }

    /// The slot of `day`, a day inside the period.
    func slot(_ day: Int) -> Int {
        switch granularity {
        case .day: day - firstDay
        case .week: (day - firstDay) / 7
        }
    }

    /// The period column of `slot`.
    func label(_ slot: Int) -> String {
        switch granularity {
        case .day: ReportCalendar.dayLabel(firstDay + slot)
        case .week: ReportCalendar.isoWeekLabel(firstDay + slot * 7)
        }
    }
}

/// Sums of one KPI row.
struct KPITotals {
    var receipts: Int64 = 0
    var lines: Int64 = 0
    var subtotal: Int64 = 0
    var discount: Int64 = 0
    var revenue: Int64 = 0
    var refunds: Int64 = 0
    var newCustomers: Int64 = 0
    /// Whether any fact fell here: a store-day with nothing but zeros still makes a row.
    var seen = false

    mutating func add(_ fact: StoreDayFacts) {
        receipts += fact.receipts
        lines += fact.lines
        subtotal += fact.subtotal
        discount += fact.discount
        revenue += fact.revenue
        refunds += fact.refunds
        seen = true
    }

    mutating func merge(_ other: KPITotals) {
        receipts += other.receipts
        lines += other.lines
        subtotal += other.subtotal
        discount += other.discount
        revenue += other.revenue
        refunds += other.refunds
        newCustomers += other.newCustomers
        seen = seen || other.seen
    }

    func row(store: String, period: String) -> [ReportValue] {
        [
            .text(store), .text(period), .int(receipts), .int(lines), .int(subtotal), .int(discount), .int(revenue), .int(refunds),
            ReportCell.average(revenue, per: receipts), receipts > 0 ? ReportCell.ratio(lines, receipts) : .null,
            ReportCell.ratio(discount, subtotal), .int(newCustomers),
        ]
    }
}
