import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// Tiers by spend over a rolling window: the tier held gives its percentage; the sale that
/// crosses a threshold upgrades the customer for the next one; spend ages out of the window.
struct TierRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var spend: Int64
        var ago: Int32
        var tierBefore: String
        var discount: Int64
        var tierAfter: String
        var testDescription: String { "\(spend) spent \(ago) days ago → \(tierBefore)" }
    }

    // Ten litres of milk: 899.00; silver takes 3 % (26.97), gold 5 % (44.95).
    static let cases: [Case] = [
        Case(spend: 0, ago: 0, tierBefore: "bronze", discount: 0, tierAfter: "bronze"),
        Case(spend: 19_999_99, ago: 1, tierBefore: "bronze", discount: 0, tierAfter: "silver"),
        Case(spend: 20_000_00, ago: 1, tierBefore: "silver", discount: 26_97, tierAfter: "silver"),
        Case(spend: 20_000_00, ago: 364, tierBefore: "silver", discount: 26_97, tierAfter: "silver"),
        Case(spend: 20_000_00, ago: 365, tierBefore: "bronze", discount: 0, tierAfter: "bronze"),
        Case(spend: 59_999_99, ago: 30, tierBefore: "silver", discount: 26_97, tierAfter: "gold"),
        Case(spend: 60_000_00, ago: 30, tierBefore: "gold", discount: 44_95, tierAfter: "gold"),
    ]

    @Test(arguments: cases)
    func tierFollowsSpendOverTheWindow(_ c: Case) throws {
        let program = Store.program([.standardTiers])
        let customer = Store.customer(days: c.spend > 0 ? [(ago: c.ago, visits: Int32(1), spend: c.spend)] : [])
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "10")]), customer: customer)
        let levels = ["bronze", "silver", "gold"]
        #expect(quote.standing?.tierLevel.map { levels[$0] } == c.tierBefore)
        #expect(quote.priced.discount == c.discount)
        #expect(quote.priced.tier == c.tierAfter)
        #expect(quote.priced.lines[0].rules == (c.discount > 0 ? ["tier-\(c.tierBefore)"] : []))
    }

    @Test
    func nearMissSaysHowMuchMoreToTheNextTier() throws {
        let program = Store.program([.standardTiers])
        let customer = Store.customer(days: [(3, 1, 18_000_00)])
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "10")]), customer: customer)
        // 20,000.00 − 18,000.00 − 899.00 = 1,101.00 more.
        #expect(quote.nearMisses.contains(.tier(rule: 0, level: 1, missing: 1_101_00)))
        #expect(program.text(quote.nearMisses[0]).hasPrefix("1,101.00 more to Silver"))
    }

    @Test
    func tiersNeedACard() throws {
        let program = Store.program([.standardTiers])
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "10")], customer: false))
        #expect(quote.priced.discount == 0)
        #expect(quote.priced.tier == nil)
    }
}

/// The rules in force always price, even when a later build no longer reads them.
struct LoyaltyPricingTests {
    @Test
    func rulesThatNoLongerReadPriceAtShelfPricesAndSayWhy() throws {
        let pricing = LoyaltyPricing()
        let unreadable = RulesRecord(version: 3, document: "rules:\n  - id: x\n    kind: teleport\n", by: "admin", at: Fixture.morning)
        #expect(pricing.problem(with: unreadable) != nil)
        let receipt = Store.basket([Store.line(Store.milk, "10")])
        let priced = try pricing.price(receipt, customer: Store.customer(), catalog: Store.catalog, rules: unreadable, today: Store.today)
        #expect(priced.discount == 0 && priced.total == 899_00 && priced.rulesVersion == 0)
        // A readable document prices by its own version.
        let readable = RulesRecord(version: 4, document: "rules:\n  - {id: d, kind: percent_off, categories: [dairy], percent: 10}\n",
                                   by: "admin", at: Fixture.morning)
        #expect(pricing.problem(with: readable) == nil)
        let discounted = try pricing.price(receipt, customer: nil, catalog: Store.catalog, rules: readable, today: Store.today)
        #expect(discounted.discount == 89_90 && discounted.rulesVersion == 4)
    }
}
