import Testing
@testable import KassaAnalytics

@Suite("Sources report")
struct ReportSourcesTests {
    typealias F = ReportFixture

    /// March 2026, as of 30 April: retention counts returns on 31 January … 30 April.
    static let facts = AnalyticsFacts(stores: ["S1", "S2"], customers: [
        F.customer("300001", source: "flyer", enrolled: "2026-03-05",
                   [F.bought("2026-03-05", spend: 1_000), F.bought("2026-03-20", receipts: 2, spend: 3_001)]),
        F.customer("300002", source: "flyer", enrolled: "2025-12-01", [F.bought("2026-03-10", spend: 500)]),
        F.customer("300003", source: "flyer", enrolled: "2026-03-25"),
        F.customer("300004", source: "web", enrolled: "2026-02-01",
                   [F.bought("2026-02-10", spend: 700), F.bought("2026-03-15", spend: 2_000), F.bought("2026-04-25", spend: 800)]),
        F.customer("300005", source: "web", enrolled: "2026-03-02", [F.bought("2026-03-03", store: 1, spend: 999)]),
    ])

    @Test func perSourceEnrolmentsTradeAndRates() {
        let table = SourcesReport.compute(Self.facts, F.query("2026-03-01", "2026-03-31", asOf: "2026-04-30"))
        #expect(table.texts("source") == ["flyer", "web", "all"])
        // flyer: 300001 and 300003 enrolled in March; 300001 and 300002 bought: 4 receipts, 4501.
        #expect(table.int("enrolled", 0) == 2)
        #expect(table.int("buyers", 0) == 2)
        #expect(table.int("receipts", 0) == 4)
        #expect(table.int("revenue", 0) == 4_501)
        #expect(table.int("average_check", 0) == 1_125)  // 1125.25
        #expect(table.number("repeat_rate", 0) == 0.5)  // 300001 bought on two days
        #expect(table.number("retention", 0) == 0.5)  // 300001 came back on 20 March
        // web: 300004 (enrolled in February) and 300005 bought; 2999 / 2 = 1499.5 → 1500.
        #expect(table.int("enrolled", 1) == 1)
        #expect(table.int("buyers", 1) == 2)
        #expect(table.int("revenue", 1) == 2_999)
        #expect(table.int("average_check", 1) == 1_500)
        #expect(table.number("repeat_rate", 1) == 0)
        #expect(table.number("retention", 1) == 0.5)  // 300004 came back on 25 April
        #expect([table.int("enrolled", 2), table.int("buyers", 2), table.int("receipts", 2), table.int("revenue", 2)] == [3, 4, 6, 7_500])
        #expect(table.int("average_check", 2) == 1_250)
        #expect(table.number("repeat_rate", 2) == 0.25)
        #expect(table.number("retention", 2) == 0.5)
    }

    @Test func aShorterRetentionWindowForgetsOlderReturns() {
        // 30 days up to 30 April: only 300004's return on 25 April counts.
        let table = SourcesReport.compute(Self.facts, F.query("2026-03-01", "2026-03-31", asOf: "2026-04-30"), retentionDays: 30)
        #expect(table.number("retention", 0) == 0)
        #expect(table.number("retention", 1) == 0.5)
    }

    @Test func aStoreFilterCountsOnlyThatStoresPurchases() {
        let table = SourcesReport.compute(Self.facts, F.query("2026-03-01", "2026-03-31", store: 1, asOf: "2026-04-30"))
        #expect(table.int("buyers", 1) == 1)
        #expect(table.int("revenue", 1) == 999)
        #expect(table.int("buyers", 0) == 0)
        #expect(table.isNull("average_check", 0) && table.isNull("repeat_rate", 0))
        #expect(table.int("enrolled", 0) == 2)  // enrolment has no store
    }
}
