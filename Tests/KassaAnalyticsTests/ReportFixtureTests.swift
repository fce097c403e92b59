import KassaCore
import Testing
@testable import KassaAnalytics

/// Small helpers for the report tests: days by date, purchase days, and reading cells back.
enum ReportFixture {
    /// The local day of `iso` (`YYYY-MM-DD`).
    static func day(_ iso: String) -> Int32 { LocalDate(iso: iso)!.daysSinceEpoch }

    /// A query over `from...to` (dates), as of `asOf` (default: `to`).
    static func query(_ from: String, _ to: String, store: Int32? = nil, asOf: String? = nil) -> ReportQuery {
        ReportQuery(from: day(from), to: day(to), store: store, asOf: day(asOf ?? to))
    }

    /// A customer's purchase day.
    static func bought(_ iso: String, store: Int32 = 0, receipts: Int32 = 1, spend: Int64 = 100) -> PurchaseDay {
        PurchaseDay(day: day(iso), store: store, receipts: receipts, spend: spend)
    }

    /// A customer enrolled on `enrolled` with purchase days.
    static func customer(_ card: String, source: String = "", enrolled: String, _ days: [PurchaseDay] = []) -> CustomerFacts {
        CustomerFacts(card: card, source: source, enrolledDay: day(enrolled), days: days)
    }
}

extension ReportTable {
    func int(_ column: String, _ row: Int) -> Int64? {
        if case .int(let value)? = value(column, row: row) { return value }
        return nil
    }

    func number(_ column: String, _ row: Int) -> Double? {
        if case .number(let value)? = value(column, row: row) { return value }
        return nil
    }

    func text(_ column: String, _ row: Int) -> String? {
        if case .text(let value)? = value(column, row: row) { return value }
        return nil
    }

    func isNull(_ column: String, _ row: Int) -> Bool { value(column, row: row) == .null }

    /// The texts of `column`, row by row.
    func texts(_ column: String) -> [String] { rows.indices.map { text(column, $0) ?? "" } }
}

@Suite("Report calendar")
struct ReportFixtureTests {
    @Test func isoWeeksBelongToTheYearOfTheirThursday() {
        #expect(ReportCalendar.isoWeekLabel(Int(ReportFixture.day("2026-11-02"))) == "2026-W45")
        #expect(ReportCalendar.isoWeekLabel(Int(ReportFixture.day("2027-01-01"))) == "2026-W53")
        #expect(ReportCalendar.isoWeekLabel(Int(ReportFixture.day("2026-03-01"))) == "2026-W09")
        #expect(ReportCalendar.isoWeekStart(Int(ReportFixture.day("2026-03-01"))) == Int(ReportFixture.day("2026-02-23")))
    }

    @Test func monthsNumberAcrossTheYearEnd() {
        let december = ReportCalendar.monthNumber(Int(ReportFixture.day("2025-12-31")))
        #expect(ReportCalendar.monthNumber(Int(ReportFixture.day("2026-01-01"))) == december + 1)
        #expect(ReportCalendar.monthLabel(december) == "2025-12")
        #expect(ReportCalendar.monthStart(december + 1) == Int(ReportFixture.day("2026-01-01")))
    }

    @Test func averagesRoundHalfUp() {
        #expect(ReportCell.average(1001, per: 2) == .int(501))
        #expect(ReportCell.average(1000, per: 3) == .int(333))
        #expect(ReportCell.average(5, per: 0) == .null)
    }
}
