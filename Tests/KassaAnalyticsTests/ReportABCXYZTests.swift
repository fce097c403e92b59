import Testing
@testable import KassaAnalytics

@Suite("ABC/XYZ report")
struct ReportABCXYZTests {
    typealias F = ReportFixture

    /// Four whole weeks from Monday 5 January 2026.
    static let first = F.day("2026-01-05")
    static let fourWeeks = ReportQuery(from: first, to: first + 27, asOf: first + 27)

    /// A product-day `offset` days into the period.
    static func sold(_ sku: Int32, day offset: Int32, pieces: Int64, revenue: Int64, store: Int32 = 0) -> ProductDayFacts {
        ProductDayFacts(sku: sku, store: store, day: first + offset, qtyThousandths: pieces * 1000, revenue: revenue)
    }

    /// Products that each sell on one day, with the given revenues.
    static func products(_ revenues: [(String, Int64)]) -> AnalyticsFacts {
        AnalyticsFacts(stores: ["S1"], skus: revenues.map(\.0),
                       productDays: revenues.indices.map { sold(Int32($0), day: 0, pieces: 1, revenue: revenues[$0].1) })
    }

    func row(_ table: ReportTable, _ code: String) -> Int { table.rows.firstIndex { $0[0] == .text(code) } ?? -1 }

    @Test func anItemStartingExactlyAtTheAShareIsB() {
        let table = ABCXYZReport.compute(Self.products([("P3", 50), ("P1", 800), ("P2", 150)]), Self.fourWeeks, subject: .products)
        #expect(table.columns.first == "sku")
        #expect(table.texts("sku") == ["P1", "P2", "P3"])
        #expect(table.texts("abc") == ["A", "B", "C"])
        #expect(table.rows.indices.map { table.number("share", $0) } == [0.8, 0.15, 0.05])
        #expect(table.rows.indices.map { table.number("cumulative_share", $0) } == [0.8, 0.95, 1])
    }

    @Test func theItemThatCrossesTheAShareIsStillA() {
        let table = ABCXYZReport.compute(Self.products([("P1", 700), ("P2", 200), ("P3", 100)]), Self.fourWeeks, subject: .products)
        #expect(table.texts("abc") == ["A", "A", "B"])  // P2 starts at 70 %, P3 at 90 %
    }

    @Test func equalRevenuesShareAClassAndAreListedByCode() {
        let facts = Self.products([("T3", 100), ("T1", 100), ("T2", 100), ("T0", 700), ("T4", 0)])
        let table = ABCXYZReport.compute(facts, Self.fourWeeks, subject: .products)
        #expect(table.texts("sku") == ["T0", "T1", "T2", "T3", "T4"])
        // T3 starts at 90 %, but ties with T1, which starts at 70 %.
        #expect(table.texts("abc") == ["A", "A", "A", "A", "C"])
        #expect(table.number("cumulative_share", 3) == 1)
    }

    /// X1 sells 9, 11, 9, 11 a week (σ/μ = 1/10), Y1 3, 5, 3, 5 (1/4), Z1 only in the last week,
    /// X0 10 a week and 2 more on the 30th day (after the last whole week), Z0 sells 2 and has them
    /// returned.
    static let weekly: AnalyticsFacts = {
        var days: [ProductDayFacts] = []
        for (week, pieces) in [9, 11, 9, 11].enumerated() { days.append(sold(0, day: Int32(week * 7), pieces: Int64(pieces), revenue: 150)) }
        for (week, pieces) in [3, 5, 3, 5].enumerated() { days.append(sold(1, day: Int32(week * 7 + 6), pieces: Int64(pieces), revenue: 75)) }
        days.append(sold(2, day: 21, pieces: 4, revenue: 40))
        for week in 0..<4 { days.append(sold(3, day: Int32(week * 7 + 3), pieces: 10, revenue: 10)) }
        days.append(sold(3, day: 29, pieces: 2, revenue: 20))
        days.append(sold(4, day: 1, pieces: 2, revenue: 10))
        days.append(sold(4, day: 8, pieces: -2, revenue: -10))
        return AnalyticsFacts(stores: ["S1"], skus: ["X1", "Y1", "Z1", "X0", "Z0"], productDays: days)
    }()

    @Test func xyzLimitsAreInclusiveAndNoDemandIsZ() {
        let table = ABCXYZReport.compute(Self.weekly, ReportQuery(from: Self.first, to: Self.first + 29, asOf: Self.first + 29),
                                         subject: .products)
        #expect(table.texts("sku") == ["X1", "Y1", "X0", "Z1", "Z0"])
        #expect(table.texts("class") == ["AX", "AY", "BX", "CZ", "CZ"])
        #expect(table.number("cv", 0) == 0.1)
        #expect(table.number("cv", 1) == 0.25)
        #expect(table.number("cv", 2) == 0)
        #expect(table.number("cv", 3) == 3.0.squareRoot())  // 0, 0, 0, 4: μ 1, σ √3
        #expect(table.isNull("cv", 4))
        #expect(table.rows.indices.map { table.int("weeks", $0) } == [4, 4, 4, 4, 4])
        #expect(table.number("mean_weekly", 0) == 10)
        #expect(table.number("mean_weekly", 2) == 10)  // the 2 pieces of day 30 are outside the weeks
        #expect(table.int("revenue", 2) == 60)  // but in the revenue
    }

    @Test func theSummaryCountsTheNineClasses() {
        let table = ABCXYZReport.summary(Self.weekly, ReportQuery(from: Self.first, to: Self.first + 29, asOf: Self.first + 29),
                                         subject: .products)
        #expect(table.texts("abc") == ["A", "B", "C", "all"])
        #expect([table.int("x", 0), table.int("y", 0), table.int("z", 0), table.int("items", 0)] == [1, 1, 0, 2])
        #expect([table.int("x", 1), table.int("y", 1), table.int("z", 1), table.int("items", 1)] == [1, 0, 0, 1])
        #expect([table.int("x", 2), table.int("y", 2), table.int("z", 2), table.int("items", 2)] == [0, 0, 2, 2])
        #expect([table.int("x", 3), table.int("y", 3), table.int("z", 3), table.int("items", 3)] == [2, 1, 2, 5])
        #expect(table.int("revenue", 0) == 900)
        #expect(table.number("share", 0) == 0.9)
        #expect(table.number("share", 3) == 1)
    }

    @Test func customersAreClassedBySpendAndWeeklySpend() {
        let facts = AnalyticsFacts(customers: [
            F.customer("500001", enrolled: "2026-01-01", [F.bought("2026-01-05", spend: 1_000), F.bought("2026-01-12", spend: 1_000)]),
            F.customer("500002", enrolled: "2026-01-01", [F.bought("2026-01-06", spend: 1_000), F.bought("2026-01-07", spend: 2_000)]),
            F.customer("500003", enrolled: "2026-01-01", [F.bought("2026-02-01", spend: 1_000)]),
        ])
        let table = ABCXYZReport.compute(facts, F.query("2026-01-05", "2026-01-18"), subject: .customers)
        #expect(table.columns.first == "card")
        #expect(table.texts("card") == ["500002", "500001"])
        #expect(table.texts("class") == ["AZ", "AX"])  // 3000 then 0: σ/μ 1; 1000 and 1000: 0
        #expect(table.number("mean_weekly", 0) == 1_500)
    }

    @Test func aStoreFilterAndAnEmptyPeriod() {
        var facts = Self.products([("P1", 800), ("P2", 200)])
        facts.stores = ["S1", "S2"]
        facts.productDays.append(Self.sold(1, day: 1, pieces: 1, revenue: 5_000, store: 1))
        let s1 = ABCXYZReport.compute(facts, ReportQuery(from: Self.first, to: Self.first + 27, store: 0, asOf: Self.first),
                                      subject: .products)
        #expect(s1.texts("sku") == ["P1", "P2"])
        let s2 = ABCXYZReport.compute(facts, ReportQuery(from: Self.first, to: Self.first + 27, store: 1, asOf: Self.first),
                                      subject: .products)
        #expect(s2.texts("sku") == ["P2"])
        #expect(s2.int("revenue", 0) == 5_000)
        let empty = ABCXYZReport.compute(facts, F.query("2027-01-01", "2027-01-31"), subject: .products)
        #expect(empty.rows.isEmpty)
        let summary = ABCXYZReport.summary(facts, F.query("2027-01-01", "2027-01-31"), subject: .products)
        #expect(summary.int("items", 3) == 0)
        #expect(summary.isNull("share", 3))
    }

    @Test func theThreadsOfALargeReportAddUpToOneThreadsSums() {
        // 300 SKUs × 1,000 days: 300,000 product-days, enough for two threads.
        var facts = AnalyticsFacts(stores: ["S1"], skus: (0..<300).map { "SKU\($0)" })
        for day in 0..<Int32(1_000) {
            for sku in 0..<Int32(300) {
                let quantity = Int64((sku * 7 + day) % 11), revenue = Int64((sku * 13 + day) % 17)
                facts.productDays.append(ProductDayFacts(sku: sku, store: 0, day: Self.first + day, qtyThousandths: quantity, revenue: revenue))
            }
        }
        #expect(ReportParallel.parts(facts.productDays.count).count == 2)
        let period = Int(Self.first)...Int(Self.first) + 999
        let threads = ItemDemand.products(facts, period: period, store: nil)
        let one = ProductWeeks(facts.productDays[...], skuCount: 300, period: period, weeks: DemandWeeks(period: period), store: nil)
        #expect(threads.revenue == one.revenue)
        #expect(threads.present == one.present)
        var sum = [Int64](repeating: 0, count: 300)
        for week in 0..<threads.weeks.count {
            for sku in 0..<300 { sum[sku] += one.weekly[week * 300 + sku] }
        }
        #expect(threads.sum == sum)
    }
}

