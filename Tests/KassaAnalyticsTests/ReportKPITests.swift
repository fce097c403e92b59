import KassaCore
import Testing
@testable import KassaAnalytics

@Suite("KPI report")
struct ReportKPITests {
    typealias F = ReportFixture

    /// Two stores listed out of code order; S1 trades on 2 and 3 November, S2 on 2 and 10 November.
    static let facts = AnalyticsFacts(
        stores: ["S2", "S1"],
        customers: [
            F.customer("100001", enrolled: "2026-11-01", [F.bought("2026-11-02", store: 1)]),
            F.customer("100002", enrolled: "2026-10-01", [F.bought("2026-10-30", store: 1), F.bought("2026-11-02", store: 1)]),
            F.customer("100003", enrolled: "2026-11-01", [F.bought("2026-11-02", store: 0), F.bought("2026-11-03", store: 1)]),
            F.customer("100004", enrolled: "2026-11-01"),
        ],
        storeDays: [
            StoreDayFacts(store: 1, day: F.day("2026-11-02"), receipts: 3, subtotal: 10_000, discount: 500, revenue: 9_500, refunds: 200,
                          lines: 7),
            StoreDayFacts(store: 1, day: F.day("2026-11-03"), receipts: 2, subtotal: 1_001, revenue: 1_001, lines: 3),
            StoreDayFacts(store: 0, day: F.day("2026-11-02"), receipts: 1, subtotal: 300, discount: 30, revenue: 270, lines: 1),
            StoreDayFacts(store: 0, day: F.day("2026-11-10"), receipts: 9, subtotal: 900, revenue: 900, lines: 9),
        ])

    @Test func dailyRowsPerStoreThenAllThenTotals() {
        let table = KPIReport.compute(Self.facts, F.query("2026-11-02", "2026-11-08"))
        #expect(table.texts("store") == ["S1", "S2", "all", "S1", "all", "S1", "S2", "all"])
        #expect(table.texts("period") == ["2026-11-02", "2026-11-02", "2026-11-02", "2026-11-03", "2026-11-03", "total", "total", "total"])
        // S1 on the 2nd: 9500 / 3 = 3166.67 → 3167; 7 lines / 3 receipts; 500 / 10000 discount.
        #expect(table.int("receipts", 0) == 3)
        #expect(table.int("revenue", 0) == 9_500)
        #expect(table.int("refunds", 0) == 200)
        #expect(table.int("average_check", 0) == 3_167)
        #expect(table.number("items_per_receipt", 0) == 7.0 / 3.0)
        #expect(table.number("discount_share", 0) == 0.05)
        #expect(table.int("new_customers", 0) == 1)  // 100001; 100002 first bought in October
        // All stores on the 2nd: 9770 / 4 = 2442.5 → 2443 (half up), 8 lines / 4 receipts.
        #expect(table.int("receipts", 2) == 4)
        #expect(table.int("average_check", 2) == 2_443)
        #expect(table.number("items_per_receipt", 2) == 2.0)
        #expect(table.number("discount_share", 2) == 530.0 / 10_300.0)
        #expect(table.int("new_customers", 2) == 2)
        // S1 on the 3rd: 1001 / 2 = 500.5 → 501, no discount; 100003's first purchase was at S2.
        #expect(table.int("average_check", 3) == 501)
        #expect(table.number("discount_share", 3) == 0)
        #expect(table.int("new_customers", 3) == 0)
        // Totals of the period: S1 10501 / 5 = 2100.2 → 2100; all 10771 / 6 = 1795.17 → 1795.
        #expect(table.int("average_check", 5) == 2_100)
        #expect(table.int("receipts", 7) == 6)
        #expect(table.int("revenue", 7) == 10_771)
        #expect(table.int("average_check", 7) == 1_795)
        #expect(table.int("new_customers", 7) == 2)
    }

    @Test func weeklyRowsSumTheDaysOfEachIsoWeekInsideThePeriod() {
        let table = KPIReport.compute(Self.facts, F.query("2026-11-01", "2026-11-10"), granularity: .week)
        #expect(table.texts("period") == ["2026-W45", "2026-W45", "2026-W45", "2026-W46", "2026-W46", "total", "total", "total"])
        #expect(table.texts("store") == ["S1", "S2", "all", "S2", "all", "S1", "S2", "all"])
        #expect(table.int("receipts", 0) == 5)
        #expect(table.int("revenue", 0) == 10_501)
        #expect(table.int("average_check", 0) == 2_100)
        #expect(table.int("lines", 0) == 10)
        #expect(table.int("receipts", 3) == 9)
        #expect(table.int("receipts", 7) == 15)
    }

    @Test func aStoreFilterKeepsThatStoreAndDropsTheAllRows() {
        let table = KPIReport.compute(Self.facts, F.query("2026-11-01", "2026-11-30", store: 0))
        #expect(table.texts("store") == ["S2", "S2", "S2"])
        #expect(table.texts("period") == ["2026-11-02", "2026-11-10", "total"])
        #expect(table.int("receipts", 2) == 10)
        #expect(table.int("new_customers", 2) == 1)
    }

    @Test func anEmptyPeriodOrAnUnknownStoreGivesNoRows() {
        #expect(KPIReport.compute(Self.facts, F.query("2026-12-01", "2026-12-31")).rows.isEmpty)
        #expect(KPIReport.compute(Self.facts, F.query("2026-11-08", "2026-11-01")).rows.isEmpty)
        #expect(KPIReport.compute(Self.facts, F.query("2026-11-01", "2026-11-30", store: 7)).rows.isEmpty)
        #expect(KPIReport.compute(AnalyticsFacts(), F.query("2026-11-01", "2026-11-30")).columns == KPIReport.columns)
    }

    @Test func noReceiptsMeansEmptyAveragesNotZero() {
        let facts = AnalyticsFacts(stores: ["S1"], storeDays: [StoreDayFacts(store: 0, day: F.day("2026-11-02"), refunds: 500)])
        let table = KPIReport.compute(facts, F.query("2026-11-02", "2026-11-02", store: 0))
        #expect(table.rows.count == 2)
        #expect(table.int("refunds", 0) == 500)
        #expect(table.isNull("average_check", 0) && table.isNull("items_per_receipt", 0) && table.isNull("discount_share", 0))
    }
}
