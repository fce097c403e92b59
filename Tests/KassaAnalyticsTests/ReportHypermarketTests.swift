import KassaCore
import Testing
@testable import KassaAnalytics

/// A year of one hypermarket, made up from a seed: 300,000 loyalty customers (about 2.3 million
/// purchase days), 40,000 SKUs each sold every day (14.6 million product-days) and about
/// 5 million receipts. The timings the test prints are of the build that runs it: a debug
/// build is ten to twenty times slower than a release one.
enum HypermarketYear {
    static let firstDay = LocalDate(iso: "2026-01-01")!.daysSinceEpoch
    static let dayCount: Int32 = 365
    static let skuCount = 40_000
    static let customerCount = 300_000
    static let sources = ["flyer", "web", "till", "import", ""]

    /// SplitMix64: small, fast and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static func facts(seed: UInt64) -> AnalyticsFacts {
        var random = Random(state: seed)
        var facts = AnalyticsFacts(stores: ["H1"], skus: (0..<skuCount).map { "46\(10_000_000 + $0)" })
        facts.storeDays = (0..<dayCount).map { offset in
            let receipts = Int64(12_000 + random.below(3_400))
            let subtotal = receipts * Int64(1_500 + random.below(500)) * 10
            let discount = subtotal / Int64(15 + random.below(10))
            return StoreDayFacts(store: 0, day: firstDay + offset, receipts: receipts, loyaltyReceipts: receipts * 6 / 10,
                                 subtotal: subtotal, discount: discount, revenue: subtotal - discount,
                                 refunds: Int64(random.below(50_000)), lines: receipts * Int64(8 + random.below(8)))
        }
        facts.productDays.reserveCapacity(skuCount * Int(dayCount))
        for offset in 0..<dayCount {
            for sku in 0..<Int32(skuCount) {
                let pieces = Int64(random.below(40))
                facts.productDays.append(ProductDayFacts(sku: sku, store: 0, day: firstDay + offset, qtyThousandths: pieces * 1000,
                                                         revenue: pieces * Int64(50 + Int(sku) % 5_000)))
            }
        }
        facts.customers.reserveCapacity(customerCount)
        var offsets: [Int32] = []
        for index in 0..<customerCount {
            let enrolled = firstDay - 365 + Int32(random.below(730))
            let birthdate = LocalDate(year: 1950 + random.below(56), month: 1 + random.below(12), day: 1 + random.below(28))
            offsets.removeAll(keepingCapacity: true)
            // One customer in five never buys.
            if enrolled < firstDay + dayCount && random.below(5) > 0 {
                let earliest = max(enrolled, firstDay) - firstDay
                for _ in 0..<(1 + random.below(19)) { offsets.append(earliest + Int32(random.below(Int(dayCount - earliest)))) }
                offsets.sort()
            }
            var days: [PurchaseDay] = []
            days.reserveCapacity(offsets.count)
            for offset in offsets where days.last?.day != firstDay + offset {
                days.append(PurchaseDay(day: firstDay + offset, store: 0, receipts: 1 + Int32(random.below(10) / 9),
                                        spend: Int64(500 + random.below(20_000))))
            }
            facts.customers.append(CustomerFacts(card: String(7_000_000_000_000 + index), name: "", source: sources[index % 5],
                                                 enrolledDay: enrolled, birthdate: birthdate, days: days))
        }
        return facts
    }
}

@Suite("Reports over a year of a hypermarket")
struct ReportHypermarketTests {
    @Test func everyReportAnswersSensiblyOverAYear() {
        let clock = ContinuousClock()
        let start = clock.now
        let facts = HypermarketYear.facts(seed: 42)
        print("hypermarket facts: \(facts.customers.count) customers, \(facts.customers.reduce(0) { $0 + $1.days.count }) purchase days, "
            + "\(facts.productDays.count) product-days, made in \(clock.now - start)")
        let first = HypermarketYear.firstDay, last = first + HypermarketYear.dayCount - 1
        let year = ReportQuery(from: first, to: last, asOf: last)

        func timed(_ name: String, _ report: () -> ReportTable) -> ReportTable {
            let begin = clock.now
            let table = report()
            print("report \(name): \(table.rows.count) rows in \(clock.now - begin)")
            return table
        }
        let kpiDays = timed("kpi by day") { KPIReport.compute(facts, year) }
        #expect(kpiDays.rows.count == 365 * 2 + 2)
        let kpiWeeks = timed("kpi by week") { KPIReport.compute(facts, year, granularity: .week) }
        #expect(kpiWeeks.rows.count == 53 * 2 + 2)
        let funnel = timed("funnel") { FunnelReport.compute(facts, year, regularVisits: 4, regularDays: 30) }
        #expect(funnel.texts("source") == ["flyer", "import", "none", "till", "web", "all"])
        #expect((funnel.int("enrolled", 5) ?? 0) > (funnel.int("first_purchase", 5) ?? 0))
        let sources = timed("sources") { SourcesReport.compute(facts, year) }
        #expect((sources.int("buyers", 5) ?? 0) > 200_000)
        let cohorts = timed("cohorts") { CohortReport.compute(facts, year) }
        #expect(cohorts.rows.count == (1...12).reduce(0, +))
        let products = timed("abc-xyz products") { ABCXYZReport.compute(facts, year, subject: .products) }
        #expect(products.rows.count == HypermarketYear.skuCount)
        #expect(products.text("abc", 0) == "A" && products.text("abc", products.rows.count - 1) == "C")
        let customers = timed("abc-xyz customers") { ABCXYZReport.compute(facts, year, subject: .customers) }
        #expect(customers.rows.count == Int(sources.int("buyers", 5) ?? 0))
        let summary = timed("abc-xyz summary products") { ABCXYZReport.summary(facts, year, subject: .products) }
        #expect(summary.int("items", 3) == Int64(HypermarketYear.skuCount))
        let birthdays = timed("birthdays (7 days)") { BirthdayReport.compute(facts, year, days: 7) }
        #expect(birthdays.rows.count > 3_000 && birthdays.rows.count < 9_000)
    }
}
