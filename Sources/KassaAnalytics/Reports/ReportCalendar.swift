import KassaCore

/// Calendar arithmetic on local days (days since 1970-01-01) for the reports. Labels are made
/// once per period, never once per fact: a year of a hypermarket has millions of facts and a few
/// hundred periods.
enum ReportCalendar {
    /// The longest period a report covers, in days (ten years and then some): a longer period is
    /// shortened to the last `periodDaysMax` days up to `to`, so that no query can ask for arrays
    /// that do not fit in memory.
    static let periodDaysMax = 3_660

    /// The days `from...to` of `query` as Int, shortened to `periodDaysMax`; nil when empty.
    static func period(_ query: ReportQuery) -> ClosedRange<Int>? {
        let to = Int(query.to)
        let from = max(Int(query.from), to - periodDaysMax + 1)
        return from <= to ? from...to : nil
    }

    /// Weekday with Monday 0 … Sunday 6 (1970-01-01 was a Thursday).
    static func weekday(_ day: Int) -> Int {
        let remainder = (day + 3) % 7
        return remainder < 0 ? remainder + 7 : remainder
    }

    /// The Monday that opens the ISO week of `day`.
    static func isoWeekStart(_ day: Int) -> Int { day - weekday(day) }

    /// `YYYY-Www`, the ISO 8601 week of `day`: weeks start on Monday, and a week belongs to the
    /// year that holds its Thursday (so 2026-12-31 is in 2026-W53, 2027-01-01 too).
    static func isoWeekLabel(_ day: Int) -> String {
        let thursday = isoWeekStart(day) + 3
        let year = LocalDate(daysSinceEpoch: Int32(clamping: thursday)).year
        let januaryFirst = LocalDate(year: year, month: 1, day: 1).map { Int($0.daysSinceEpoch) } ?? thursday
        let week = (thursday - januaryFirst) / 7 + 1
        return "\(pad(year, 4))-W\(pad(week, 2))"
    }

    /// `YYYY-MM-DD` of `day`.
    static func dayLabel(_ day: Int) -> String { LocalDate(daysSinceEpoch: Int32(clamping: day)).description }

    /// Months since year 0 of `day`'s month: consecutive months have consecutive numbers.
    static func monthNumber(_ day: Int) -> Int {
        let date = LocalDate(daysSinceEpoch: Int32(clamping: day))
        return date.year * 12 + date.month - 1
    }

    /// The first day of the month `monthNumber(_:)` numbers.
    static func monthStart(_ month: Int) -> Int {
        let date = LocalDate(year: month / 12, month: month % 12 + 1, day: 1)
        return date.map { Int($0.daysSinceEpoch) } ?? 0
    }

    /// `YYYY-MM` of a month number.
    static func monthLabel(_ month: Int) -> String { "\(pad(month / 12, 4))-\(pad(month % 12 + 1, 2))" }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// Cells shared by the reports.
enum ReportCell {
    /// `numerator / denominator` as a ratio, or null when the denominator is zero.
    static func ratio(_ numerator: Int64, _ denominator: Int64) -> ReportValue {
        denominator == 0 ? .null : .number(Double(numerator) / Double(denominator))
    }

    /// `amount / count` in minor units rounded half-up (the one rounding rule of Kassa), or null
    /// when the count is zero or negative.
    static func average(_ amount: Int64, per count: Int64) -> ReportValue {
        guard count > 0 else { return .null }
        return .int(Rounding.halfUp(amount, dividedBy: count) ?? amount / count)
    }
}
