import Testing
@testable import KassaAnalytics

@Suite("Funnel report")
struct ReportFunnelTests {
    typealias F = ReportFixture

    /// June's enrolments, as of 30 June, with a regular-customer rule of 3 visits in 30 days
    /// (visits count on 1–30 June).
    static let facts = AnalyticsFacts(customers: [
        F.customer("200001", source: "flyer", enrolled: "2026-06-01"),
        F.customer("200002", source: "flyer", enrolled: "2026-06-05", [F.bought("2026-06-05", receipts: 2)]),
        F.customer("200003", source: "flyer", enrolled: "2026-06-05", [F.bought("2026-06-05"), F.bought("2026-06-20", receipts: 2)]),
        F.customer("200004", source: "web", enrolled: "2026-06-02", [F.bought("2026-06-02"), F.bought("2026-06-03")]),
        // The second purchase is after the as-of day: not counted.
        F.customer("200005", source: "web", enrolled: "2026-06-10", [F.bought("2026-06-10"), F.bought("2026-07-05", receipts: 5)]),
        // 31 May is outside the 30-day window that ends on 30 June.
        F.customer("200006", source: "web", enrolled: "2026-06-01", [F.bought("2026-05-31", receipts: 2), F.bought("2026-06-30")]),
        F.customer("200007", enrolled: "2026-06-15", [F.bought("2026-06-15"), F.bought("2026-06-16"), F.bought("2026-06-17")]),
        // Enrolled in May: not in June's funnel.
        F.customer("200008", source: "web", enrolled: "2026-05-31", [F.bought("2026-06-01", receipts: 9), F.bought("2026-06-02")]),
    ])

    @Test func stagesNestAndConvertBetweenNeighbours() {
        let table = FunnelReport.compute(Self.facts, F.query("2026-06-01", "2026-06-30"), regularVisits: 3, regularDays: 30)
        #expect(table.texts("source") == ["flyer", "none", "web", "all"])
        // flyer: 3 enrolled, 2 bought, 1 bought twice, and that one had 3 visits.
        #expect([table.int("enrolled", 0), table.int("first_purchase", 0), table.int("repeat", 0), table.int("regular", 0)] == [3, 2, 1, 1])
        #expect(table.number("first_purchase_rate", 0) == 2.0 / 3.0)
        #expect(table.number("repeat_rate", 0) == 0.5)
        #expect(table.number("regular_rate", 0) == 1)
        #expect(table.number("overall_rate", 0) == 1.0 / 3.0)
        // No source: exactly 3 visits is enough.
        #expect([table.int("enrolled", 1), table.int("first_purchase", 1), table.int("repeat", 1), table.int("regular", 1)] == [1, 1, 1, 1])
        // web: all 3 bought, 2 on two days, none regular.
        #expect([table.int("enrolled", 2), table.int("first_purchase", 2), table.int("repeat", 2), table.int("regular", 2)] == [3, 3, 2, 0])
        #expect(table.number("regular_rate", 2) == 0)
        #expect([table.int("enrolled", 3), table.int("first_purchase", 3), table.int("repeat", 3), table.int("regular", 3)] == [7, 6, 4, 2])
        #expect(table.number("repeat_rate", 3) == 4.0 / 6.0)
    }

    @Test func theRuleInForceDecidesWhoIsRegular() {
        // Two visits in 30 days: 200004 (2 and 3 June) is regular, 200006 (one visit in June) is not.
        let month = FunnelReport.compute(Self.facts, F.query("2026-06-01", "2026-06-30"), regularVisits: 2, regularDays: 30)
        #expect(month.int("regular", 2) == 1)
        // Two visits in 31 days: 200006's two receipts of 31 May count too.
        let longer = FunnelReport.compute(Self.facts, F.query("2026-06-01", "2026-06-30"), regularVisits: 2, regularDays: 31)
        #expect(longer.int("regular", 2) == 2)
    }

    @Test func anEmptyPeriodHasOnlyAnAllRowOfZeros() {
        let table = FunnelReport.compute(Self.facts, F.query("2027-01-01", "2027-01-31"), regularVisits: 3, regularDays: 30)
        #expect(table.texts("source") == ["all"])
        #expect(table.int("enrolled", 0) == 0)
        #expect(table.isNull("first_purchase_rate", 0))
    }
}
