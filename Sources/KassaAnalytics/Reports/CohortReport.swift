/// Customers grouped by the month they enrolled, and how each group bought month after month.
///
/// A cohort is the customers enrolled in one calendar month (`cohort`, `YYYY-MM`), counting those
/// enrolled within `from...to` and by `asOf` only, so the first and last cohorts may be
/// part-months. For each
/// month since enrolment (`month` 0 is the enrolment month itself, 1 the next calendar month, …,
/// up to the month of `asOf`, which counts only up to `asOf`):
/// - `calendar_month`: that month, `YYYY-MM`.
/// - `size`: customers in the cohort.
/// - `active`: those with a purchase (a day with a receipt) in that month, at the store asked
///   for when one is.
/// - `retention`: active / size.
/// - `revenue`: their spend that month after discounts and net of refunds, minor units.
///
/// Purchases before the enrolment month are not counted. One row per cohort and month (long
/// format), by cohort then month; cohorts with nobody and months after `asOf` have no rows.
public enum CohortReport {
    /// The columns, in order.
    public static let columns = ["cohort", "month", "calendar_month", "size", "active", "retention", "revenue"]

    /// Months since the first cohort a report follows, at most (a hundred years), so that an
    /// `asOf` far in the future cannot ask for arrays that do not fit in memory.
    static let monthsMax = 1_200

    /// The cohort table of the customers enrolled within `query.from...query.to`, as of `query.asOf`.
    public static func compute(_ facts: AnalyticsFacts, _ query: ReportQuery) -> ReportTable {
        var table = ReportTable(columns: columns)
        guard let period = ReportCalendar.period(query) else { return table }
        let firstMonth = ReportCalendar.monthNumber(period.lowerBound)
        let cohortCount = ReportCalendar.monthNumber(period.upperBound) - firstMonth + 1
        let monthCount = min(ReportCalendar.monthNumber(Int(query.asOf)) - firstMonth + 1, monthsMax)
        guard monthCount > 0 else { return table }
        let calendar = CohortCalendar(firstMonth: firstMonth, monthCount: monthCount, asOf: Int(query.asOf))

        var size = [Int64](repeating: 0, count: cohortCount)
        var active = [Int64](repeating: 0, count: cohortCount * monthCount)
        var revenue = [Int64](repeating: 0, count: cohortCount * monthCount)
        for customer in facts.customers where period.contains(Int(customer.enrolledDay)) && customer.enrolledDay <= query.asOf {
            guard let cohort = calendar.month(Int(customer.enrolledDay)) else { continue }
            size[cohort] += 1
            var lastActive = -1
            for day in customer.days {
                if let store = query.store, day.store != store { continue }
                guard let month = calendar.month(Int(day.day)), month >= cohort else { continue }
                let cell = cohort * monthCount + month
                revenue[cell] += day.spend
                if day.receipts > 0 && month != lastActive {
                    active[cell] += 1
                    lastActive = month
                }
            }
        }

        let labels = (0..<monthCount).map { ReportCalendar.monthLabel(firstMonth + $0) }
        for cohort in 0..<min(cohortCount, monthCount) where size[cohort] > 0 {
            for month in cohort..<monthCount {
                let cell = cohort * monthCount + month
                table.append([
                    .text(labels[cohort]), .int(Int64(month - cohort)), .text(labels[month]), .int(size[cohort]), .int(active[cell]),
                    ReportCell.ratio(active[cell], size[cohort]), .int(revenue[cell]),
                ])
            }
        }
        return table
    }
}

/// Months of the days a cohort report looks at, by table rather than by calendar arithmetic:
/// millions of purchase days, a few thousand distinct days.
struct CohortCalendar {
    private let firstDay: Int
    private let monthOfDay: [Int32]

    init(firstMonth: Int, monthCount: Int, asOf: Int) {
        firstDay = ReportCalendar.monthStart(firstMonth)
        let lastDay = min(asOf, ReportCalendar.monthStart(firstMonth + monthCount) - 1)
        var months = [Int32](repeating: 0, count: max(0, lastDay - firstDay + 1))
        for month in 0..<monthCount {
            let start = ReportCalendar.monthStart(firstMonth + month) - firstDay
            let end = min(ReportCalendar.monthStart(firstMonth + month + 1) - firstDay, months.count)
            guard start < end else { break }
            for index in start..<end { months[index] = Int32(month) }
        }
        monthOfDay = months
    }

    /// The month of `day` counted from the first cohort's, or nil before it or after `asOf`.
    func month(_ day: Int) -> Int? {
        let index = day - firstDay
        return index >= 0 && index < monthOfDay.count ? Int(monthOfDay[index]) : nil
    }
}
