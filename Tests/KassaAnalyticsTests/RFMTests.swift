import KassaCore
import Testing
@testable import KassaAnalytics

@Suite("RFM scores and segment names")
struct RFMTests {
    @Test func tenDistinctValuesFillEachQuintileWithTwo() {
        let values: [Int64] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        #expect(RFM.scores(values, higherIsBetter: true) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        // Recency: fewer days since the last purchase is better.
        #expect(RFM.scores(values, higherIsBetter: false) == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
    }

    @Test func equalValuesAlwaysGetTheSameScore() {
        // Five customers with one receipt, five with more: the ones share the lowest score
        // however they are ordered, and nobody above them scores lower.
        let values: [Int64] = [1, 3, 1, 4, 1, 5, 1, 6, 1, 7]
        let scores = RFM.scores(values, higherIsBetter: true)
        #expect(Set(zip(values, scores).filter { $0.0 == 1 }.map(\.1)) == [1])
        #expect(scores == [1, 3, 1, 4, 1, 4, 1, 5, 1, 5])
        // Everyone equal: everyone gets 1 (nobody is better than anybody).
        #expect(RFM.scores([7, 7, 7], higherIsBetter: true) == [1, 1, 1])
        #expect(RFM.scores([], higherIsBetter: true) == [])
    }

    @Test func countedAndSortedScoringAgreeWithTheDefinition() {
        var state: UInt64 = 99
        func next() -> UInt64 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return state >> 33 }
        // Narrow values (days, receipts) take the counting path, wide ones (spend) the sorting one.
        for range in [UInt64(30), UInt64(50_000_000)] {
            let values = (0..<2000).map { _ in Int64(next() % range) }
            for higherIsBetter in [true, false] {
                let expected = values.map { value in
                    1 + 5 * values.filter { higherIsBetter ? $0 < value : $0 > value }.count / values.count
                }
                #expect(RFM.scores(values, higherIsBetter: higherIsBetter) == expected, "range \(range)")
            }
        }
    }

    @Test func theGridNamesEveryCell() {
        let expected: [Int: [String]] = [
            5: ["new", "potential_loyalists", "potential_loyalists", "champions", "champions"],
            4: ["promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"],
            3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
            2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
            1: ["lost", "hibernating", "at_risk", "at_risk", "cant_lose"],
        ]
        for (r, row) in expected {
            for f in 1...5 { #expect(RFM.segment(r: r, f: f) == row[f - 1], "R\(r) F\(f)") }
        }
        // Every name the grid gives is listed, and nothing else but no_purchases.
        let named = Set((1...5).flatMap { r in (1...5).map { RFM.segment(r: r, f: $0) } })
        #expect(named.union(["no_purchases"]) == Set(RFM.segments))
    }
}

@Suite("The buy-till-you-die summary of a customer's purchases")
struct PurchaseSummaryTests {
    private func day(_ iso: String) -> Int32 { LocalDate(iso: iso)!.daysSinceEpoch }

    @Test func repeatDaysRecencyAgeAndMeanRepeatSpendFollowTheLifetimesConventions() throws {
        let days = [
            PurchaseDay(day: day("2026-01-01"), store: 0, receipts: 2, spend: 10_000),  // the first day opens the life
            PurchaseDay(day: day("2026-01-11"), store: 0, receipts: 1, spend: 3_000),
            PurchaseDay(day: day("2026-01-21"), store: 0, receipts: 3, spend: 5_000),
            PurchaseDay(day: day("2026-03-01"), store: 0, receipts: 1, spend: 99_999),  // after the as-of day: ignored
        ]
        let summary = try #require(PurchaseSummary(days: days, asOf: day("2026-01-31")))
        #expect(summary.frequency == 2)
        #expect(summary.recencyDays == 20)
        #expect(summary.tDays == 30)
        #expect(summary.monetary == 4_000)  // (3,000 + 5,000) / 2: the first day's spend is not in it
        #expect(summary.receipts == 6)
        #expect(summary.spend == 18_000)
        #expect(summary.daysSinceLast == 10)
    }

    @Test func oneDayMeansNoRepeatsAndNoMonetaryValue() throws {
        let summary = try #require(PurchaseSummary(days: [PurchaseDay(day: 100, store: 0, receipts: 1, spend: 500)], asOf: 107))
        #expect(summary.frequency == 0 && summary.recencyDays == 0 && summary.tDays == 7 && summary.monetary == 0)
        #expect(PurchaseSummary(days: [PurchaseDay(day: 100, store: 0, receipts: 1, spend: 500)], asOf: 99) == nil)
        #expect(PurchaseSummary(days: [], asOf: 99) == nil)
    }
}
