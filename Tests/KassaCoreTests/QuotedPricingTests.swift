import Testing
import KassaCore
import KassaTestSupport

/// A sale may bring the pricing of the quote of its basket (`QuotedPricing`); the writer takes it
/// only when nothing pricing reads has changed since the quote, and prices afresh otherwise.
@Suite("A sale takes its quote's pricing only on the same state")
struct QuotedPricingTests {
    /// Counts its calls and prices by everything a change could touch: the customer's visits,
    /// the catalog's size and the rules' version each move line 0's discount, so a sale priced
    /// on a stale quote would show.
    final class StatePricing: SalePricing, @unchecked Sendable {
        // Each test has its own, used from its one thread.
        var calls = 0

        func validate(rules document: String) throws(LedgerError) {
            try RulesAwarePoints().validate(rules: document)
        }

        func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                   today: Int32) throws(LedgerError) -> PricedSale {
            calls += 1
            var priced = try RulesAwarePoints().price(receipt, customer: customer, catalog: catalog, rules: rules, today: today)
            let off = Int64(customer?.visits ?? 0) * 100 + Int64(catalog.count) * 10 + Int64(rules?.version ?? 0)
            priced.lines[0].discount = min(priced.lines[0].amount, off)
            return priced
        }
    }

    enum Change: String, CaseIterable {
        case nothing, customerBought, catalogChanged, rulesReplaced, otherLines, otherDay, paidWithPoints
    }

    static let card = Fixture.card()

    static func basket(_ id: String, lines: [ReceiptLine]? = nil, at: Timestamp = Fixture.morning, payments: [Payment] = []) -> Receipt {
        Fixture.receipt(id, customer: card, at: at,
                        lines: lines ?? [Fixture.line(Fixture.milk, "2", 8990), Fixture.line(Fixture.meat, "0.755", 54900, category: "meat")],
                        payments: payments)
    }

    /// The quote of `receipt` on `ledger`, as the server keeps it for the sale.
    static func quote(_ receipt: Receipt, on ledger: Ledger, pricing: StatePricing) throws -> (QuotedPricing, PricedSale) {
        let account = try ledger.checkBasket(receipt)
        let priced = try pricing.price(receipt, customer: account, catalog: ledger.catalog, rules: ledger.rules, today: receipt.at.localDay)
        return (try #require(QuotedPricing(receipt, account: account, on: ledger, priced: priced)), priced)
    }

    /// `receipt` decided with `quoted` handed over, as the journal writer decides it.
    static func sell(_ receipt: Receipt, quoted: QuotedPricing, on ledger: inout Ledger, pricing: StatePricing) throws -> SaleRecord {
        let precheck = SalePrecheck(receipt, limits: ledger.limits, quoted: quoted)
        guard case .record(let entry) = ledger.prepare(.sale(receipt), at: Fixture.morning, pricing: pricing, precheck: precheck) else {
            throw FixtureError.unexpected("the sale was not accepted")
        }
        guard case .sale(let record) = ledger.commit(entry) else { throw FixtureError.unexpected("not a sale") }
        return record
    }

    @Test("a sale is priced as a fresh pricing would price it", arguments: Change.allCases)
    func saleAfterQuote(_ change: Change) throws {
        let pricing = StatePricing()
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()), pricing: pricing)
        _ = ledger.run(.upsertProducts([Product(sku: Fixture.bread, name: "Хлеб", category: "bakery", price: 4500)]), pricing: pricing)
        // Points to pay with, from an earlier sale.
        _ = try ledger.mustSell(.sale(Self.basket("S-0")), pricing: pricing)
        let (quoted, quotedPrices) = try Self.quote(Self.basket("S-1"), on: ledger, pricing: pricing)
        var sold = Self.basket("S-1")
        switch change {
        case .nothing:
            break
        case .customerBought:
            _ = try ledger.mustSell(.sale(Self.basket("S-2")), pricing: pricing)
        case .catalogChanged:
            _ = ledger.run(.upsertProducts([Product(sku: Fixture.milk, name: "Молоко", category: "dairy", price: 8990)]), pricing: pricing)
        case .rulesReplaced:
            #expect(ledger.run(.replaceRules(RulesChange(document: "# test rules a", by: "admin")), pricing: pricing).error == nil)
        case .otherLines:
            sold = Self.basket("S-1", lines: [Fixture.line(Fixture.milk, "3", 8990)])
        case .otherDay:
            sold = Self.basket("S-1", at: Fixture.time("2026-11-23T10:15:00+03:00"))
        case .paidWithPoints:
            // One visit and one product so far: line 0 has 1.10 off.
            let total = Int64(17980 + 41450 - 110)
            sold = Self.basket("S-1", payments: [Payment(method: .points, amount: 100), Payment(method: .card, amount: total - 100)])
        }
        var fresh = ledger
        let expected = try fresh.mustSell(.sale(sold), pricing: pricing)
        pricing.calls = 0
        let record = try Self.sell(sold, quoted: quoted, on: &ledger, pricing: pricing)
        #expect(record == expected)
        #expect(ledger == fresh)
        // Priced again exactly when something it was quoted on is different.
        #expect(pricing.calls == (change == .nothing ? 0 : 1))
        if change == .customerBought || change == .catalogChanged || change == .rulesReplaced {
            #expect(record.lines[0].priced.discount != quotedPrices.lines[0].discount)
        }
    }
}
