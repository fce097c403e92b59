import Testing
import KassaCore
import KassaTestSupport

@Suite("A sale adds its net spend to the customer's categories")
struct CategorySpendTests {
    /// Lines whose categories repeat out of order, a fully discounted first line, a category too
    /// long for the receipt index's string cache, and a product without any category.
    static func receipt(_ id: String) -> Receipt {
        var receipt = Fixture.receipt(id, customer: Fixture.card(), lines: [
            Fixture.line(Fixture.milk, "1", 10_000, category: "dairy"),
            Fixture.line(Fixture.bread, "2", 3_000, category: "bakery"),
            Fixture.line(Fixture.milk, "1", 8_000, category: "dairy"),
            Fixture.line(Fixture.meat, "1", 500, category: "bakery"),
            Fixture.line(Fixture.milk, "1", 700, category: "Молочные продукты"),
            Fixture.line(Fixture.sku("PLU-4011"), "1", 100),
            Fixture.line(Fixture.bread, "1", 900, category: "Молочные продукты"),
        ])
        receipt.lanePricing = LanePricing(rulesVersion: 0, lines: [
            LanePricing.Line(discount: 10_000, rules: ["all-off"]),
            LanePricing.Line(discount: 0, rules: []),
            LanePricing.Line(discount: 1_000, rules: ["dairy-off"]),
            LanePricing.Line(discount: 500, rules: ["all-off"]),
            LanePricing.Line(discount: 0, rules: []),
            LanePricing.Line(discount: 0, rules: []),
            LanePricing.Line(discount: 900, rules: ["all-off"]),
        ])
        return receipt
    }

    @Test func categoriesComeInTheOrderOfTheirFirstLineWithANetAmountAndAddUp() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        _ = try ledger.mustSell(.sale(CategorySpendTests.receipt("R1")))
        let once = [CategorySpend(category: "bakery", spend: 6_000), CategorySpend(category: "dairy", spend: 7_000),
                    CategorySpend(category: "Молочные продукты", spend: 700), CategorySpend(category: "", spend: 100)]
        #expect(ledger.customers.account(Fixture.card())?.categorySpend == once)
        _ = try ledger.mustSell(.sale(CategorySpendTests.receipt("R2")))
        #expect(ledger.customers.account(Fixture.card())?.categorySpend == once.map {
            CategorySpend(category: $0.category, spend: 2 * $0.spend)
        })
    }

    @Test func aSaleRecordedAgainFromItsEntryAddsTheSame() throws {
        var live = Ledger()
        var replica = Ledger()
        for command in [LedgerCommand.enrol(Fixture.customer()), .sale(CategorySpendTests.receipt("R1")),
                        .sale(CategorySpendTests.receipt("R2"))] {
            guard case .applied(let entry, _) = live.apply(command, at: Fixture.morning, pricing: ListPricing()) else {
                Issue.record("\(command) was not applied")
                return
            }
            try replica.replay(entry)
        }
        #expect(replica == live)
        #expect(replica.customers.account(Fixture.card())?.categorySpend.count == 4)
    }
}
