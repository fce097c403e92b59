import KassaCore
import Testing
@testable import KassaAnalytics

@Suite("Segmentation: every customer's segment and lifetime value")
struct SegmentationTests {
    @Test func foldedEstimatesEqualThePerCustomerFormula() {
        let bgnbd = BetaGeometricNBD(r: 0.243, alpha: 30.9, a: 0.793, b: 2.426)
        let gg = GammaGamma(p: 6.25, q: 3.74, v: 1544)
        let frequency = [0, 2, 2, 5, 2, 0], recency = [0, 40, 40, 200, 40, 0], age = [10, 100, 100, 250, 100, 300]
        let monetary: [Double] = [0, 2_500, 7_000, 1_200, 2_500, 0]
        var options = AnalyticsOptions()
        options.clvHorizonMonths = 12
        options.clvAnnualDiscountRate = 0.10
        let folded = LifetimeValues.estimate(transactions: bgnbd, spend: gg, frequency: frequency, recency: recency, age: age,
                                             monetary: monetary, options: options)
        for i in frequency.indices {
            let purchases = bgnbd.expectedPurchases(t: 90, frequency: frequency[i], recency: Double(recency[i]), T: Double(age[i]))
            let value = gg.customerLifetimeValue(transactions: bgnbd, frequency: frequency[i], recency: Double(recency[i]), T: Double(age[i]),
                                                 monetary: monetary[i], months: 12, annualDiscountRate: 0.10)
            #expect(abs(folded.purchases[i] - purchases) <= 1e-12 * max(1, purchases))
            #expect(abs(folded.clv[i] - value) <= 1e-9 * max(1, value))
        }
        // Same pattern, different spend: same purchases, values in the ratio of expected spend.
        #expect(folded.purchases[1] == folded.purchases[2])
        #expect(folded.clv[2] > folded.clv[1])
    }

    @Test func snapshotsListEveryCustomerInCardOrderWithScoresForBuyersOnly() throws {
        let day = LocalDate(iso: "2026-06-30")!.daysSinceEpoch
        var customers: [CustomerFacts] = []
        // Cards enrolled out of order; "770000000010" is shorter and sorts before "7700000000100".
        for (n, card) in ["7700000000300", "7700000000100", "770000000010", "7700000000200"].enumerated() {
            var days: [PurchaseDay] = []
            for k in 0..<n {
                let purchase: Int32 = day - Int32(10 * k + 3)
                days.insert(PurchaseDay(day: purchase, store: 0, receipts: 1, spend: Int64(1000 * (k + 1))), at: 0)
            }
            customers.append(CustomerFacts(card: card, enrolledDay: day - 100, days: days))
        }
        let (snapshot, values) = Segmentation.compute(AnalyticsFacts(customers: customers, throughSeq: 42), asOf: LocalDate(iso: "2026-06-30")!,
                                                      options: AnalyticsOptions(), number: 7, computedAt: Timestamp(epochMilliseconds: 0))
        #expect(snapshot.customers.map(\.card) == ["770000000010", "7700000000100", "7700000000200", "7700000000300"])
        #expect(snapshot.number == 7 && snapshot.throughSeq == 42)
        let first = try #require(snapshot.customers.first { $0.card == "7700000000300" })
        #expect(first.segment == "no_purchases" && first.rfm == "000" && first.clv == 0)
        let most = try #require(snapshot.customers.first { $0.card == "7700000000200" })
        #expect(most.frequency == 2 && most.recencyDays == 20 && most.tDays == 23)
        // Three buyers with 1, 2 and 3 receipts: 1 + ⌊5 × 2 / 3⌋ = 4 for the most frequent.
        #expect(most.f == 4)
        // Three buyers, one of them repeat: both fits run; everyone with a purchase gets a value.
        #expect(values.note == nil || values.transactions != nil)
        let latest = LatestSegments(snapshot: snapshot, values: values)
        #expect(latest.segment(of: "770000000010")?.frequency == 1)
        #expect(latest.segment(of: "7700000000999") == nil)
        #expect(latest.counts.values.reduce(0, +) == 4)
        #expect(latest.members(of: "no_purchases", after: nil, limit: 10).map(\.card) == ["7700000000300"])
        #expect(latest.members(of: "no_purchases", after: "7700000000300", limit: 10).isEmpty)
    }

    @Test func aRepeatBuyerRefundedDownToNothingDoesNotStopTheSpendFit() throws {
        var customers: [CustomerFacts] = []
        for n in 0..<60 {
            // Buyers on 1 to 4 days with varied spend; one of them refunded everything after the first day.
            let count = 1 + n % 4
            let days = (0..<count).map { PurchaseDay(day: Int32(1000 + 20 * $0 + n % 7), store: 0, receipts: 1, spend: Int64(1000 + 37 * n + 113 * $0)) }
            customers.append(CustomerFacts(card: String(770_000_000_100 + n), enrolledDay: 990, days: days))
        }
        customers[3].days = customers[3].days.enumerated().map { index, day in
            var day = day
            if index > 0 { day.spend = 0 }
            return day
        }
        let (snapshot, values) = Segmentation.compute(AnalyticsFacts(customers: customers), asOf: LocalDate(daysSinceEpoch: 1100),
                                                      options: AnalyticsOptions(), number: 1, computedAt: Timestamp(epochMilliseconds: 0))
        #expect(values.spend != nil, "\(values.note ?? "")")
        let refunded = try #require(snapshot.customers.first { $0.card == customers[3].card })
        #expect(refunded.monetary == 0 && refunded.frequency == 3 && refunded.clv > 0)
    }

    @Test func noBuyersYetMeansNoModelAndSaysSo() {
        let facts = AnalyticsFacts(customers: [CustomerFacts(card: "7700000000017", enrolledDay: 100)])
        let (snapshot, values) = Segmentation.compute(facts, asOf: LocalDate(daysSinceEpoch: 200), options: AnalyticsOptions(),
                                                      number: 1, computedAt: Timestamp(epochMilliseconds: 0))
        #expect(snapshot.customers.map(\.segment) == ["no_purchases"])
        #expect(values.parameters.isEmpty && values.note != nil)
    }
}
