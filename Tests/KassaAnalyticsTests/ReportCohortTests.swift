import Testing
@testable import KassaAnalytics

@Suite("Cohort report")
struct ReportCohortTests {
    typealias F = ReportFixture

    /// November and December 2025 cohorts followed into 2026.
    static let facts = AnalyticsFacts(customers: [
        F.customer("400001", enrolled: "2025-11-15",
                   [F.bought("2025-11-15", spend: 500), F.bought("2025-11-20", spend: 300), F.bought("2026-01-05", spend: 1_000)]),
        F.customer("400002", enrolled: "2025-11-30", [F.bought("2025-12-01", spend: 200)]),
        F.customer("400003", enrolled: "2025-11-03"),
        F.customer("400004", enrolled: "2025-12-31",
                   [F.bought("2025-12-31", spend: 100), F.bought("2026-01-01", spend: 50), F.bought("2026-02-10", spend: 70),
                    F.bought("2026-02-11", spend: 999)]),
        F.customer("400005", enrolled: "2026-01-02", [F.bought("2026-01-02", spend: 5_000)]),
    ])

    @Test func monthsSinceEnrolmentRunAcrossTheYearEnd() {
        let table = CohortReport.compute(Self.facts, F.query("2025-11-01", "2025-12-31", asOf: "2026-02-10"))
        #expect(table.texts("cohort") == ["2025-11", "2025-11", "2025-11", "2025-11", "2025-12", "2025-12", "2025-12"])
        #expect(table.rows.indices.map { table.int("month", $0) } == [0, 1, 2, 3, 0, 1, 2])
        #expect(table.texts("calendar_month") == ["2025-11", "2025-12", "2026-01", "2026-02", "2025-12", "2026-01", "2026-02"])
        #expect(table.rows.indices.map { table.int("size", $0) } == [3, 3, 3, 3, 1, 1, 1])
        // 400001's two November days make one active customer.
        #expect(table.rows.indices.map { table.int("active", $0) } == [1, 1, 1, 0, 1, 1, 1])
        #expect(table.rows.indices.map { table.int("revenue", $0) } == [800, 200, 1_000, 0, 100, 50, 70])
        #expect(table.number("retention", 0) == 1.0 / 3.0)
        #expect(table.number("retention", 3) == 0)
        #expect(table.number("retention", 6) == 1)
    }

    @Test func aStoreFilterCountsOnlyThatStoresPurchases() {
        let facts = AnalyticsFacts(customers: [
            F.customer("400011", enrolled: "2026-03-01", [F.bought("2026-03-01", store: 0, spend: 10), F.bought("2026-04-01", store: 1, spend: 20)]),
        ])
        let table = CohortReport.compute(facts, F.query("2026-03-01", "2026-03-31", store: 1, asOf: "2026-04-30"))
        #expect(table.rows.indices.map { table.int("active", $0) } == [0, 1])
        #expect(table.rows.indices.map { table.int("revenue", $0) } == [0, 20])
    }

    @Test func noEnrolmentsOrAnAsOfBeforeThePeriodGiveNoRows() {
        #expect(CohortReport.compute(Self.facts, F.query("2024-01-01", "2024-12-31", asOf: "2026-02-10")).rows.isEmpty)
        #expect(CohortReport.compute(Self.facts, F.query("2025-11-01", "2025-12-31", asOf: "2025-10-31")).rows.isEmpty)
    }
}
