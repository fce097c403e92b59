/// What an ABC/XYZ report classifies.
public enum ABCXYZSubject: String, Sendable, CaseIterable {
    /// SKUs, by revenue and weekly quantity sold.
    case products
    /// Loyalty customers, by spend and weekly spend.
    case customers
}

/// Which items (products or customers) make the money, and how steadily they sell (or buy).
///
/// Over the days `from...to` at the store asked for (all stores when none is):
/// - **ABC** by revenue (customers: spend after discounts, net of refunds). Items are ranked by
///   revenue, highest first. An item is A while the revenue of the items ranked before it is
///   under the A share (80 %) of the total, B while under the A and B shares together (95 %), C
///   after. So the item that crosses 80 % is still A, and the one that starts exactly at 80 % is B.
///   Items of equal revenue share the class of the first of them (a tie never splits across
///   classes) and are listed by code (byte order of the text). Shares are of the sum of positive
///   revenues; an item whose returns outweigh its sales, or with no revenue, is C.
/// - **XYZ** by the coefficient of variation (population standard deviation / mean) of weekly
///   demand: quantity for products, spend for customers. Weeks are whole 7-day blocks from
///   `from`; a week without sales counts as 0; the days after the last whole week are left out
///   of XYZ (a period under a week is one week). X when the coefficient is at most 0.10, Y at
///   most 0.25, Z above, and Z for an item with no demand (weekly demand summing to zero or less).
///   Limits come from `AnalyticsOptions`.
///
/// Items with at least one fact in the period are classified. Columns: `sku` (or `card`),
/// `revenue` (minor units), `share` and `cumulative_share` (of the total), `abc`, `weeks`,
/// `mean_weekly` (products: pieces or kilograms; customers: minor units), `cv` (empty without
/// demand), `xyz`, `class` (e.g. `AX`). Rows in rank order.
public enum ABCXYZReport {
    /// The columns of `compute`, the first named for the subject.
    public static func columns(_ subject: ABCXYZSubject) -> [String] {
        [subject == .products ? "sku" : "card", "revenue", "share", "cumulative_share", "abc", "weeks", "mean_weekly", "cv", "xyz", "class"]
    }

    /// The columns of `summary`.
    public static let summaryColumns = ["abc", "x", "y", "z", "items", "revenue", "share"]

    /// One row per classified product or customer of `query`'s days and store.
    public static func compute(_ facts: AnalyticsFacts, _ query: ReportQuery, subject: ABCXYZSubject,
                               options: AnalyticsOptions = AnalyticsOptions()) -> ReportTable {
        var table = ReportTable(columns: columns(subject))
        guard let classes = classify(facts, query, subject: subject, options: options) else { return table }
        // Hundreds of thousands of customers make as many rows; each thread makes a run of them.
        let parts = ReportParallel.map(ReportParallel.parts(classes.order.count)) { range in
            range.map { row(facts, classes, subject: subject, position: $0) }
        }
        table.rows.reserveCapacity(classes.order.count)
        for part in parts { table.rows += part }
        return table
    }

    private static let abcValues = ABCXYZClassification.abcLabels.map { ReportValue.text($0) }
    private static let xyzValues = ABCXYZClassification.xyzLabels.map { ReportValue.text($0) }
    private static let classValues = ABCXYZClassification.classLabels.map { ReportValue.text($0) }

    private static func row(_ facts: AnalyticsFacts, _ classes: ABCXYZClassification, subject: ABCXYZSubject,
                            position: Int) -> [ReportValue] {
        let item = Int(classes.order[position])
        let demand = classes.demand
        let code = subject == .products ? facts.skus[item] : facts.customers[item].card
        let abc = Int(classes.abc[position]), xyz = Int(classes.xyz[position])
        return [
            .text(code), .int(demand.revenue[item]), ReportCell.ratio(demand.revenue[item], classes.totalPositive),
            ReportCell.ratio(classes.cumulative[position], classes.totalPositive), abcValues[abc], .int(Int64(demand.weeks.count)),
            .number(demand.meanWeekly(item) / (subject == .products ? 1000 : 1)), demand.cv[item].map { .number($0) } ?? .null,
            xyzValues[xyz], classValues[abc * 3 + xyz],
        ]
    }

    /// The 3×3 matrix of the same classification: one row per ABC class (`A`, `B`, `C`, then
    /// `all`), with the count of items in each XYZ class (`x`, `y`, `z`), the items and revenue of
    /// the row, and the row's share of the total revenue.
    public static func summary(_ facts: AnalyticsFacts, _ query: ReportQuery, subject: ABCXYZSubject,
                               options: AnalyticsOptions = AnalyticsOptions()) -> ReportTable {
        var table = ReportTable(columns: summaryColumns)
        var counts = [Int64](repeating: 0, count: 9)
        var revenue = [Int64](repeating: 0, count: 3)
        var total: Int64 = 0
        if let classes = classify(facts, query, subject: subject, options: options) {
            for (position, item) in classes.order.enumerated() {
                counts[Int(classes.abc[position]) * 3 + Int(classes.xyz[position])] += 1
                revenue[Int(classes.abc[position])] += classes.demand.revenue[Int(item)]
            }
            total = classes.totalPositive
        }
        for abc in 0..<3 {
            let x = counts[abc * 3], y = counts[abc * 3 + 1], z = counts[abc * 3 + 2]
            table.append([
                .text(ABCXYZClassification.abcLabels[abc]), .int(x), .int(y), .int(z), .int(x + y + z), .int(revenue[abc]),
                ReportCell.ratio(revenue[abc], total),
            ])
        }
        table.append([
            .text("all"), .int(counts[0] + counts[3] + counts[6]), .int(counts[1] + counts[4] + counts[7]),
            .int(counts[2] + counts[5] + counts[8]), .int(counts.reduce(0, +)), .int(revenue.reduce(0, +)),
            ReportCell.ratio(revenue.reduce(0, +), total),
        ])
        return table
    }

    static func classify(_ facts: AnalyticsFacts, _ query: ReportQuery, subject: ABCXYZSubject,
                         options: AnalyticsOptions) -> ABCXYZClassification? {
        guard let period = ReportCalendar.period(query) else { return nil }
        switch subject {
        case .products:
            let demand = ItemDemand.products(facts, period: period, store: query.store)
            return ABCXYZClassification(demand, options: options) { facts.skus[$0] }
        case .customers:
            let demand = ItemDemand.customers(facts, period: period, store: query.store)
            return ABCXYZClassification(demand, options: options) { facts.customers[$0].card }
        }
    }
}

/// Every classified item's ABC and XYZ class without the report's rows: what a segmentation
/// keeps (and what costs most to render for millions of customers is left out).
public struct ABCXYZClasses: Sendable {
    /// Items (indices into `AnalyticsFacts.skus` or `.customers`) in rank order.
    public let items: [Int32]
    /// Per ranked item: ABC (0 A, 1 B, 2 C) and XYZ (0 X, 1 Y, 2 Z).
    public let abc: [UInt8]
    public let xyz: [UInt8]
}

extension ABCXYZReport {
    /// The classes of `compute`'s rows, in the same order, without building the rows.
    public static func classes(_ facts: AnalyticsFacts, _ query: ReportQuery, subject: ABCXYZSubject,
                               options: AnalyticsOptions = AnalyticsOptions()) -> ABCXYZClasses {
        guard let classes = classify(facts, query, subject: subject, options: options) else { return ABCXYZClasses(items: [], abc: [], xyz: []) }
        return ABCXYZClasses(items: classes.order, abc: classes.abc, xyz: classes.xyz)
    }
}
