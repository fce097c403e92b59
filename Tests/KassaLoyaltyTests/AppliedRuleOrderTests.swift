import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// A quote lists the rules that gave something in the order of the rule set's priorities (the
/// higher first, then the one written first), however many rules the set holds.
struct AppliedRuleOrderTests {
    /// Four promotions, one on each of four products, at priorities 1, 3, 2 and 3, after
    /// `fillers` rules on a category no product is in.
    static func program(fillers: Int) -> PricingProgram {
        var rules = (0..<fillers).map { index in
            Rule.promotion("filler-\(index)", .percentOff(Target(categories: ["none"]), percentBasisPoints: 500), priority: index % 7)
        }
        rules += [
            Rule.promotion("milk", .amountOff(Target(skus: [Store.milk.code]), amount: 1_00), priority: 1),
            Rule.promotion("kefir", .amountOff(Target(skus: [Store.kefir.code]), amount: 1_00), priority: 3),
            Rule.promotion("chips", .amountOff(Target(skus: [Store.chips.code]), amount: 1_00), priority: 2),
            Rule.promotion("nuts", .amountOff(Target(skus: [Store.nuts.code]), amount: 1_00), priority: 3),
        ]
        return Store.program(rules)
    }

    static func appliedIDs(fillers: Int) throws -> [String] {
        let program = program(fillers: fillers)
        let basket = Store.basket([Store.line(Store.milk, "1"), Store.line(Store.kefir, "1"), Store.line(Store.chips, "1"),
                                   Store.line(Store.nuts, "1")], customer: false)
        return try Store.quote(program, basket).applied.map { program.ruleSet.rules[$0.rule].id }
    }

    @Test(arguments: [0, 10, 59, 60, 61, 100])
    func appliedRulesFollowPriorityThenWritingOrder(fillers: Int) throws {
        #expect(try AppliedRuleOrderTests.appliedIDs(fillers: fillers) == ["kefir", "nuts", "chips", "milk"])
    }
}
