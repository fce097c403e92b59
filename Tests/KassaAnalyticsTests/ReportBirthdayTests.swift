import KassaCore
import Testing
@testable import KassaAnalytics

@Suite("Birthday report")
struct ReportBirthdayTests {
    typealias F = ReportFixture

    static func born(_ card: String, _ birthdate: String?) -> CustomerFacts {
        CustomerFacts(card: card, name: "N\(card)", enrolledDay: 0, birthdate: birthdate.flatMap { LocalDate(iso: $0) })
    }

    static let facts = AnalyticsFacts(customers: [
        born("600005", "2000-01-05"),  // 8 days: too late
        born("600004", "2000-01-04"),  // 7 days: the last day of the window
        born("600003", "1985-01-03"),
        born("600002", "1990-12-27"),  // yesterday: next year's
        born("600001", "1990-12-28"),  // today
        born("600006", "2026-12-30"),  // not born yet on the as-of day
        born("600007", nil),
        born("600008", "2004-02-29"),
    ])

    @Test func theNextDaysRunAcrossTheYearEnd() {
        let table = BirthdayReport.compute(Self.facts, F.query("2026-12-28", "2026-12-28"), days: 7)
        #expect(table.texts("card") == ["600001", "600003", "600004"])
        #expect(table.rows.indices.map { table.int("days_until", $0) } == [0, 6, 7])
        #expect(table.rows.indices.map { table.int("age", $0) } == [36, 42, 27])
        #expect(table.texts("birthday") == ["2026-12-28", "2027-01-03", "2027-01-04"])
        #expect(table.texts("birthdate") == ["1990-12-28", "1985-01-03", "2000-01-04"])
        #expect(table.text("name", 0) == "N600001")
    }

    @Test func the29thOfFebruaryIsKeptOnThe28thInOtherYears() {
        let common = BirthdayReport.compute(Self.facts, F.query("2027-02-25", "2027-02-25"), days: 3)
        #expect(common.texts("card") == ["600008"])
        #expect(common.texts("birthday") == ["2027-02-28"])
        #expect(common.int("days_until", 0) == 3)
        #expect(common.int("age", 0) == 23)
        let leap = BirthdayReport.compute(Self.facts, F.query("2028-02-25", "2028-02-25"), days: 3)
        #expect(leap.rows.isEmpty)  // 29 February 2028 is 4 days away
        let leapLonger = BirthdayReport.compute(Self.facts, F.query("2028-02-25", "2028-02-25"), days: 4)
        #expect(leapLonger.texts("birthday") == ["2028-02-29"])
        #expect(leapLonger.int("age", 0) == 24)
    }

    @Test func zeroDaysIsTodayOnly() {
        let table = BirthdayReport.compute(Self.facts, F.query("2026-12-28", "2026-12-28"), days: 0)
        #expect(table.texts("card") == ["600001"])
    }
}
