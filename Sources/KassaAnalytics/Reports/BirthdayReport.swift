import KassaCore

/// Customers with a birthday coming up: whose next birthday falls within `days` days of `asOf`.
///
/// A birthday on 29 February is kept on 28 February in years that have no 29 February. Columns:
/// - `card`, `name`: the customer.
/// - `birthdate`: as enrolled, `YYYY-MM-DD`.
/// - `birthday`: the day of the coming birthday (today's when it is today).
/// - `days_until`: days from `asOf` to it: 0 today, 1 tomorrow, … up to `days` (so `days` 0 gives
///   today's birthdays, 7 the coming week and today).
/// - `age`: the age the customer turns that day.
///
/// Rows by `days_until`, then card (byte order of the text). The period and the store of the
/// query do not apply: a customer has no home store in the facts. A birthdate on or after `asOf`
/// (a typing error at enrolment) gives no row.
public enum BirthdayReport {
    /// The columns, in order.
    public static let columns = ["card", "name", "birthdate", "birthday", "days_until", "age"]

    /// The customers whose birthday is within `days` days from `query.asOf`.
    public static func compute(_ facts: AnalyticsFacts, _ query: ReportQuery, days: Int32) -> ReportTable {
        var table = ReportTable(columns: columns)
        let asOf = LocalDate(daysSinceEpoch: query.asOf)
        let thisYear = BirthdayYear(asOf.year), nextYear = BirthdayYear(asOf.year + 1)
        var found: [(daysUntil: Int32, customer: Int, age: Int)] = []
        for (index, customer) in facts.customers.enumerated() {
            guard let birthdate = customer.birthdate else { continue }
            var year = asOf.year
            var day = thisYear.day(of: birthdate)
            if day < query.asOf {
                year += 1
                day = nextYear.day(of: birthdate)
            }
            let age = year - birthdate.year
            guard day - query.asOf <= days, age > 0 else { continue }
            found.append((day - query.asOf, index, age))
        }
        found.sort { a, b in
            a.daysUntil != b.daysUntil ? a.daysUntil < b.daysUntil
                : facts.customers[a.customer].card.utf8.lexicographicallyPrecedes(facts.customers[b.customer].card.utf8)
        }
        for (daysUntil, index, age) in found {
            let customer = facts.customers[index]
            table.append([
                .text(customer.card), .text(customer.name), .text(customer.birthdate?.description ?? ""),
                .text(ReportCalendar.dayLabel(Int(query.asOf + daysUntil))), .int(Int64(daysUntil)), .int(Int64(age)),
            ])
        }
        return table
    }
}

/// The local day of every birthday (month and day) in one year, 29 February on 28 February when
/// the year has none; a table so that three hundred thousand customers cost no calendar arithmetic.
struct BirthdayYear {
    private var days: [Int32]  // index (month − 1) × 31 + day − 1

    init(_ year: Int) {
        days = [Int32](repeating: 0, count: 12 * 31)
        for month in 1...12 {
            for day in 1...31 {
                let kept = month == 2 && day == 29 && !LocalDate.isLeap(year) ? 28 : day
                if let date = LocalDate(year: year, month: month, day: kept) { days[(month - 1) * 31 + day - 1] = date.daysSinceEpoch }
            }
        }
    }

    func day(of birthdate: LocalDate) -> Int32 { days[(birthdate.month - 1) * 31 + birthdate.day - 1] }
}
