import KassaCore
import Testing
@testable import KassaAnalytics

@Suite("Folding sales, returns and voids into the analytics facts")
struct FactsBuilderTests {
    private let sale = OriginalSale(store: "S1", day: 20_000, customer: "7700000000017", subtotal: 12_000, discount: 2_000)

    private func folded(_ body: (inout FactsBuilder) -> Void) -> AnalyticsFacts {
        var builder = FactsBuilder()
        builder.enrol(card: "7700000000017", name: "Анна", source: "flyer", enrolledDay: 19_990, birthdate: nil)
        body(&builder)
        return builder.facts
    }

    private func sell(_ builder: inout FactsBuilder, day: Int32 = 20_000, customer: String? = "7700000000017") {
        builder.sale(store: "S1", day: day, customer: customer, subtotal: 12_000, discount: 2_000, total: 10_000, lines: [
            SoldLine(sku: "A", qtyThousandths: 2000, revenue: 6_000), SoldLine(sku: "B", qtyThousandths: 755, revenue: 4_000),
        ])
    }

    @Test func aSaleCountsForItsStoreDayItsCustomerAndItsProducts() throws {
        let facts = folded { sell(&$0); sell(&$0, customer: nil) }
        let storeDay = try #require(facts.storeDays.first)
        #expect(facts.storeDays.count == 1)
        #expect(storeDay.receipts == 2 && storeDay.loyaltyReceipts == 1 && storeDay.lines == 4)
        #expect(storeDay.subtotal == 24_000 && storeDay.discount == 4_000 && storeDay.revenue == 20_000)
        #expect(facts.customers[0].days == [PurchaseDay(day: 20_000, store: 0, receipts: 1, spend: 10_000)])
        #expect(facts.skus == ["A", "B"])
        #expect(facts.productDays.map(\.qtyThousandths) == [4000, 1510])
        #expect(facts.productDays.map(\.revenue) == [12_000, 8_000])
    }

    @Test func aReturnRefundsOnItsOwnDayAndLowersTheCustomersSpendOnTheSaleDay() throws {
        let facts = folded { b in
            sell(&b)
            b.saleReturn(store: "S2", day: 20_003, refund: 4_000, sale: sale, lines: [SoldLine(sku: "B", qtyThousandths: 755, revenue: 4_000)])
        }
        let returnDay = try #require(facts.storeDays.first { $0.day == 20_003 })
        #expect(facts.stores[Int(returnDay.store)] == "S2" && returnDay.refunds == 4_000 && returnDay.receipts == 0)
        #expect(facts.customers[0].days == [PurchaseDay(day: 20_000, store: 0, receipts: 1, spend: 6_000)])
        let bReturned = try #require(facts.productDays.first { facts.skus[Int($0.sku)] == "B" && $0.day == 20_003 })
        #expect(bReturned.qtyThousandths == -755 && bReturned.revenue == -4_000)
    }

    @Test func aVoidTakesTheReceiptAndTheCustomersPurchaseDayAway() throws {
        let facts = folded { b in
            sell(&b)
            b.void(sale: sale, refund: 10_000, lineCount: 2, remainingLines: [
                SoldLine(sku: "A", qtyThousandths: 2000, revenue: 6_000), SoldLine(sku: "B", qtyThousandths: 755, revenue: 4_000),
            ])
        }
        let storeDay = try #require(facts.storeDays.first)
        #expect(storeDay.receipts == 0 && storeDay.revenue == 0 && storeDay.lines == 0 && storeDay.loyaltyReceipts == 0)
        #expect(facts.customers[0].days.isEmpty)
        #expect(facts.productDays.allSatisfy { $0.qtyThousandths == 0 && $0.revenue == 0 })
    }

    @Test func aVoidAfterAPartialReturnLeavesNetRevenueAtZero() throws {
        let facts = folded { b in
            sell(&b)
            b.saleReturn(store: "S1", day: 20_001, refund: 4_000, sale: sale, lines: [SoldLine(sku: "B", qtyThousandths: 755, revenue: 4_000)])
            b.void(sale: sale, refund: 6_000, lineCount: 2, remainingLines: [SoldLine(sku: "A", qtyThousandths: 2000, revenue: 6_000)])
        }
        let revenue = facts.storeDays.reduce(Int64(0)) { $0 + $1.revenue - $1.refunds }
        #expect(revenue == 0)
        #expect(facts.customers[0].days.isEmpty)
        #expect(facts.productDays.reduce(Int64(0)) { $0 + $1.revenue } == 0)
    }

    @Test func purchasesOutOfDayOrderStayOrderedAndOneEntryPerDay() {
        let facts = folded { b in
            sell(&b, day: 20_010)
            sell(&b, day: 20_002)
            sell(&b, day: 20_010)
        }
        #expect(facts.customers[0].days.map(\.day) == [20_002, 20_010])
        #expect(facts.customers[0].days.map(\.receipts) == [1, 2])
    }

    @Test func historyNamingAnUnknownCardStillCountsItsPurchases() {
        let facts = folded { sell(&$0, customer: "7700000000024") }
        #expect(facts.customers.count == 2)
        #expect(facts.customers[1].card == "7700000000024" && facts.customers[1].enrolledDay == 20_000)
    }
}
