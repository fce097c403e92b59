import Testing
@testable import KassaCore
import KassaTestSupport

@Suite("The receipt index keeps sales packed")
struct ReceiptIndexPackingTests {
    /// A sale using every field the packing has a special case for.
    func awkwardSale(id: String = "S1") -> SaleRecord {
        var lines = [
            SoldLine(line: Fixture.line(Fixture.milk, "2", 8990), priced: PricedLine(amount: 17980, discount: 0, rules: [], category: "dairy")),
            // Leading zero (UPC-A), a till category, a discount, rules and an amount off qty × price.
            SoldLine(line: Fixture.line(Fixture.sku("036000291452"), "0.755", 54900, category: "мясо"),
                     priced: PricedLine(amount: 41000, discount: 500, rules: ["r1", "birthday"], category: "мясо")),
            SoldLine(line: Fixture.line(Fixture.sku("PLU-4011"), "1", 100), priced: PricedLine(amount: 100, discount: 100, rules: ["r1"], category: "")),
            SoldLine(line: Fixture.line(Fixture.sku("9999999999999999999"), "1000000", 10_000_000_000),
                     priced: PricedLine(amount: Int64.max, discount: 0, rules: [], category: "x")),
            SoldLine(line: ReceiptLine(sku: SKU(trusted: "0000001", kind: .plain), qty: Quantity(thousandths: 1), price: 0),
                     priced: PricedLine(amount: 0, discount: 0, rules: [], category: "dairy")),
        ]
        lines[1].returnedQty = Quantity(thousandths: 333)
        lines[1].refunded = 18_000
        return SaleRecord(seq: 42, fingerprint: 0xDEAD_BEEF_0123_4567, id: id, store: "S1", terminal: "T07", cashier: "C12",
                          at: Fixture.time("2026-11-22T10:15:00.250+03:00"), customer: Fixture.card("0001234567"), lines: lines,
                          payments: [Payment(method: .points, amount: 100), Payment(method: .other("gift"), amount: 5),
                                     Payment(method: .cash, amount: 0), Payment(method: .card, amount: 7)],
                          pointsEarned: 5, pointsSpent: 1, pointsBalanceAfter: 9, tier: "gold", rulesVersion: 7,
                          pointsEarnedReversed: 2, pointsSpentRestored: 1, voided: true)
    }

    @Test func aPackedSaleComesBackEqual() {
        var index = ReceiptIndex()
        let sale = awkwardSale()
        index.insert(sale, seq: 42, day: 1)
        #expect(index.sale("S1") == sale)
        var plain = sale
        plain.customer = nil
        plain.tier = nil
        plain.payments = []
        plain.voided = false
        index.insert(plain, seq: 43, day: 1)
        #expect(index.sale("S1") == plain)
        #expect(index.allSales == [plain])
    }

    @Test func updatesArePackedAgain() {
        var index = ReceiptIndex()
        index.insert(awkwardSale(), seq: 42, day: 1)
        index.updateSale("S1") { $0.lines[0].returnedQty = Quantity(pieces: 1); $0.pointsEarnedReversed += 3 }
        #expect(index.sale("S1")?.lines[0].returnedQty == Quantity(pieces: 1))
        #expect(index.sale("S1")?.pointsEarnedReversed == 5)
    }

    @Test func equalityDoesNotDependOnHowStringsAreNumbered() {
        var first = ReceiptIndex()
        var second = ReceiptIndex()
        var other = awkwardSale(id: "S0")
        other.store = "elsewhere"
        other.lines[0].priced.category = "zzz"
        // `second` numbers "elsewhere" and "zzz" first, then forgets the sale that used them.
        second.insert(other, seq: 41, day: 1)
        second.evict(today: 1, windowDays: 14, countMax: 0)
        first.insert(awkwardSale(), seq: 42, day: 1)
        second.insert(awkwardSale(), seq: 42, day: 1)
        #expect(first == second)
    }
}
