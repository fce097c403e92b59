import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// Promotions on goods and baskets, exclusions and floors.
struct PromotionRuleTests {
    static let dairy = Target(categories: ["dairy"])
    static let snacks = Target(categories: ["snacks"])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var rule: Rule
        var lines: [ReceiptLine]
        var discounts: [Int64]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "percent off a category", rule: .promotion("p", .percentOff(dairy, percentBasisPoints: 1_500)),
             lines: [Store.line(Store.milk, "2"), Store.line(Store.chips, "1")], discounts: [26_97, 0]),
        Case(name: "percent off a SKU", rule: .promotion("p", .percentOff(Target(skus: [Store.kefir.code]), percentBasisPoints: 1_250)),
             lines: [Store.line(Store.milk, "1"), Store.line(Store.kefir, "3")], discounts: [0, 22_46]),  // 12.5 % of 179.70 = 22.4625
        Case(name: "amount off each unit", rule: .promotion("p", .amountOff(dairy, amount: 10_00)),
             lines: [Store.line(Store.milk, "3")], discounts: [30_00]),
        Case(name: "amount off each kilogram of weighed goods", rule: .promotion("p", .amountOff(Target(categories: ["meat"]), amount: 50_00)),
             lines: [Store.line(Store.meat, "0.755")], discounts: [37_75]),
        Case(name: "amount off never exceeds the line", rule: .promotion("p", .amountOff(dairy, amount: 100_00)),
             lines: [Store.line(Store.kefir, "1")], discounts: [59_90]),
        Case(name: "fixed price", rule: .promotion("p", .fixedPrice(Target(skus: [Store.milk.code]), price: 79_90)),
             lines: [Store.line(Store.milk, "2")], discounts: [20_00]),
        Case(name: "fixed price above the shelf price gives nothing", rule: .promotion("p", .fixedPrice(Target(skus: [Store.kefir.code]), price: 79_90)),
             lines: [Store.line(Store.kefir, "2")], discounts: [0]),
        // 3 for 2 across a category: of 2 chips (120.00) and 2 nuts (250.00), one set; a chips is free.
        Case(name: "3 for 2: the cheapest unit of each set is free", rule: .promotion("p", .nForM(snacks, buy: 3, pay: 2)),
             lines: [Store.line(Store.nuts, "2"), Store.line(Store.chips, "2")], discounts: [0, 120_00]),
        Case(name: "3 for 2: six units make two sets", rule: .promotion("p", .nForM(snacks, buy: 3, pay: 2)),
             lines: [Store.line(Store.chips, "6")], discounts: [240_00]),
        Case(name: "3 for 2: two units make none", rule: .promotion("p", .nForM(snacks, buy: 3, pay: 2)),
             lines: [Store.line(Store.chips, "2")], discounts: [0]),
        Case(name: "basket threshold hit exactly", rule: .promotion("t", .basketThreshold(spend: 899_00, benefit: .amount(100_00))),
             lines: [Store.line(Store.milk, "10")], discounts: [100_00]),
        Case(name: "basket threshold one kopeck short", rule: .promotion("t", .basketThreshold(spend: 899_01, benefit: .amount(100_00))),
             lines: [Store.line(Store.milk, "10")], discounts: [0]),
        // 200.00 over 899.00 and 240.00 by their amounts: 157.85 and 42.14 rounded down add up
        // to 199.99; the kopeck left goes to the larger remainder (.77 against .22).
        Case(name: "basket amount spread by largest remainder", rule: .promotion("t", .basketThreshold(spend: 1_000_00, benefit: .amount(200_00))),
             lines: [Store.line(Store.milk, "10"), Store.line(Store.chips, "2")], discounts: [157_86, 42_14]),
        Case(name: "basket percent", rule: .promotion("t", .basketThreshold(spend: 1_000_00, benefit: .percent(500))),
             lines: [Store.line(Store.milk, "10"), Store.line(Store.chips, "2")], discounts: [44_95, 12_00]),
    ]

    @Test(arguments: cases)
    func promotionGivesItsDiscount(_ c: Case) throws {
        let quote = try Store.quote(Store.program([c.rule]), Store.basket(c.lines))
        #expect(quote.priced.lines.map(\.discount) == c.discounts)
        #expect(quote.priced.total == quote.priced.lines.reduce(0) { $0 + $1.amount - $1.discount })
        for line in quote.priced.lines { #expect(line.rules == (line.discount > 0 ? [c.rule.id] : [])) }
    }

    @Test
    func membersOnlyPromotionNeedsACard() throws {
        let rule = Rule.promotion("members", .percentOff(PromotionRuleTests.dairy, percentBasisPoints: 1_000), membersOnly: true)
        #expect(try Store.quote(Store.program([rule]), Store.basket([Store.line(Store.milk, "1")], customer: false)).priced.discount == 0)
        #expect(try Store.quote(Store.program([rule]), Store.basket([Store.line(Store.milk, "1")])).priced.discount == 8_99)
    }

    @Test
    func storeListLimitsWhereARuleApplies() throws {
        let rule = Rule.promotion("s2", .percentOff(PromotionRuleTests.dairy, percentBasisPoints: 1_000), stores: ["S2"])
        #expect(try Store.quote(Store.program([rule]), Store.basket([Store.line(Store.milk, "1")], store: "S1")).priced.discount == 0)
        #expect(try Store.quote(Store.program([rule]), Store.basket([Store.line(Store.milk, "1")], store: "S2")).priced.discount == 8_99)
    }

    @Test
    func excludedGoodsAreNeverDiscountedNorCountTowardsAThreshold() throws {
        let everything = Target(categories: ["dairy", "tobacco", "snacks"])
        let rules: [Rule] = [
            .promotion("all", .percentOff(everything, percentBasisPoints: 1_000)),
            .promotion("threshold", .basketThreshold(spend: 500_00, benefit: .amount(50_00))),
        ]
        // Tobacco by its catalog flag, snacks by the rule set's exclusions.
        let program = Store.program(rules, exclusions: Exclusions(categories: ["snacks"]))
        let quote = try Store.quote(program, Store.basket([Store.line(Store.cigarettes, "3"), Store.line(Store.chips, "2"),
                                                           Store.line(Store.milk, "1")]))
        #expect(quote.priced.lines.map(\.discount) == [0, 0, 8_99])
        // 540.00 of cigarettes and 240.00 of chips do not reach the 500.00 threshold for milk.
        #expect(quote.nearMisses.isEmpty)
    }

    @Test
    func floorPriceBoundsTheDiscount() throws {
        let rule = Rule.promotion("half", .percentOff(PromotionRuleTests.dairy, percentBasisPoints: 5_000))
        let program = Store.program([rule], floors: [Floor(sku: Store.milk.code, price: 70_00)])
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "2"), Store.line(Store.kefir, "1")]))
        // Milk may not go below 70.00 a unit: 179.80 − 140.00; kefir has no floor.
        #expect(quote.priced.lines.map(\.discount) == [39_80, 29_95])
    }

    @Test
    func nearMissForABasketThresholdAndAnAlmostCompleteSet() throws {
        let rules: [Rule] = [
            .promotion("threshold", .basketThreshold(spend: 1_500_00, benefit: .amount(200_00))),
            .promotion("3for2", .nForM(PromotionRuleTests.snacks, buy: 3, pay: 2)),
        ]
        let quote = try Store.quote(Store.program(rules), Store.basket([Store.line(Store.milk, "10"), Store.line(Store.chips, "2")]))
        #expect(quote.nearMisses.contains(.basketThreshold(rule: 0, missing: 361_00)))
        #expect(quote.nearMisses.contains(.nForM(rule: 1, units: 1)))
    }

    @Test
    func aHugeBasketIsRefusedNotOverflowed() throws {
        let rules: [Rule] = [
            .promotion("all", .percentOff(Target(categories: ["dairy"]), percentBasisPoints: 3_000)),
            .promotion("threshold", .basketThreshold(spend: 100_00, benefit: .percent(500))),
        ]
        let program = Store.program(rules, stacking: Stacking(policy: .additive, capBasisPoints: 3_000))
        // A million litres at the highest price: far beyond any receipt, and beyond 64 bits
        // once multiplied by a percentage.
        let huge = Fixture.line(Store.milk, "1000000", 10_000_000_000)
        #expect(throws: LedgerError.self) { try Store.quote(program, Store.basket([huge, huge, huge])) }
    }
}
