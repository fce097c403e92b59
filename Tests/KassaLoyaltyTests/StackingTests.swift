import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// How discounts from several rules combine on one line: the best single one, or stackable
/// rules added up to a cap; ties go to the higher priority.
struct StackingTests {
    static let dairy = Target(categories: ["dairy"])

    static func percent(_ id: String, _ basisPoints: Int64, stackable: Bool, priority: Int = 0) -> Rule {
        .promotion(id, .percentOff(dairy, percentBasisPoints: basisPoints), priority: priority, stackable: stackable)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var stacking: Stacking
        var rules: [Rule]
        var discount: Int64
        var ruleIDs: [String]
        var testDescription: String { name }
    }

    // One line of ten milk: 899.00.
    static let cases: [Case] = [
        Case(name: "best: the largest single discount", stacking: Stacking(policy: .best),
             rules: [percent("a", 1_000, stackable: true), percent("b", 1_500, stackable: true)], discount: 134_85, ruleIDs: ["b"]),
        Case(name: "additive: stackable rules add up", stacking: Stacking(policy: .additive),
             rules: [percent("a", 1_000, stackable: true), percent("b", 500, stackable: true)], discount: 134_85, ruleIDs: ["a", "b"]),
        Case(name: "additive: the sum beats a smaller non-stackable rule", stacking: Stacking(policy: .additive),
             rules: [percent("a", 1_000, stackable: true), percent("b", 500, stackable: true), percent("c", 1_200, stackable: false)],
             discount: 134_85, ruleIDs: ["a", "b"]),
        Case(name: "additive: a larger non-stackable rule beats the sum", stacking: Stacking(policy: .additive),
             rules: [percent("a", 1_000, stackable: true), percent("b", 500, stackable: true), percent("c", 2_000, stackable: false)],
             discount: 179_80, ruleIDs: ["c"]),
        Case(name: "additive: capped, the higher priority keeps its share", stacking: Stacking(policy: .additive, capBasisPoints: 2_000),
             rules: [percent("a", 1_500, stackable: true), percent("b", 1_000, stackable: true, priority: 5)],
             discount: 179_80, ruleIDs: ["b", "a"]),
        Case(name: "best: the cap bounds the single discount too", stacking: Stacking(policy: .best, capBasisPoints: 1_000),
             rules: [percent("a", 3_000, stackable: false)], discount: 89_90, ruleIDs: ["a"]),
        Case(name: "a tie goes to the higher priority", stacking: Stacking(policy: .best),
             rules: [percent("a", 1_000, stackable: false), percent("b", 1_000, stackable: false, priority: 1)], discount: 89_90, ruleIDs: ["b"]),
        Case(name: "a tie at equal priority goes to the rule written first", stacking: Stacking(policy: .best),
             rules: [percent("a", 1_000, stackable: false), percent("b", 1_000, stackable: false)], discount: 89_90, ruleIDs: ["a"]),
    ]

    @Test(arguments: cases)
    func discountsCombineByThePolicy(_ c: Case) throws {
        let quote = try Store.quote(Store.program(c.rules, stacking: c.stacking), Store.basket([Store.line(Store.milk, "10")]))
        #expect(quote.priced.lines[0].discount == c.discount)
        #expect(quote.priced.lines[0].rules == c.ruleIDs)
        #expect(quote.applied.reduce(0) { $0 + $1.discount } == c.discount)
    }

    @Test
    func tierAndPromotionStackUnderAdditive() throws {
        var tiers = Rule.standardTiers
        tiers.stackable = true
        let program = Store.program([tiers, StackingTests.percent("dairy", 1_000, stackable: true)], stacking: Stacking(policy: .additive, capBasisPoints: 3_000))
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "10")]), customer: Store.customer(days: [(1, 1, 25_000_00)]))
        #expect(quote.priced.lines[0].discount == 26_97 + 89_90)
        #expect(Set(quote.priced.lines[0].rules) == ["tier-silver", "dairy"])
    }
}

struct LargestRemainderTests {
    @Test
    func partsAddUpExactly() {
        #expect(LargestRemainder.spread(100, weights: [1, 1, 1], room: [100, 100, 100]) == [34, 33, 33])
        #expect(LargestRemainder.spread(1, weights: [5, 7], room: [10, 10]) == [0, 1])
        #expect(LargestRemainder.spread(0, weights: [5, 7], room: [10, 10]) == [0, 0])
    }

    @Test
    func aFullLinePassesItsShareOn() {
        // The first line has room for 10 only; the rest goes to the others.
        #expect(LargestRemainder.spread(90, weights: [1, 1, 1], room: [10, 100, 100]) == [10, 40, 40])
    }

    @Test
    func whatNoLineCanTakeIsNotGiven() {
        #expect(LargestRemainder.spread(90, weights: [1, 1], room: [10, 20]) == [10, 20])
    }

    @Test
    func extrasGoToTheLargestRemaindersThenTheEarlierLine() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let count = Int.random(in: 1...40, using: &rng)
            // Small weights make equal remainders common, so the tie rule is exercised.
            let weights = (0..<count).map { _ in Int64.random(in: 1...(Bool.random(using: &rng) ? 6 : 1_000_000), using: &rng) }
            let amount = Int64.random(in: 0...5_000_000, using: &rng)
            let total = weights.reduce(0, +)
            // The method written out plainly: floors, then one more by remainder, ties by line.
            var expected = weights.map { amount * $0 / total }
            let order = weights.indices.sorted { a, b in
                let ra = amount * weights[a] % total, rb = amount * weights[b] % total
                return ra != rb ? ra > rb : a < b
            }
            for position in order.prefix(Int(amount - expected.reduce(0, +))) { expected[position] += 1 }
            #expect(LargestRemainder.spread(amount, weights: weights, room: weights.map { _ in Int64.max / 2 }) == expected)
        }
    }

    @Test
    func randomSpreadsNeverExceedRoomAndAddUp() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...30, using: &rng)
            let weights = (0..<count).map { _ in Int64.random(in: 0...1_000_000, using: &rng) }
            let room = weights.map { $0 == 0 ? 0 : Int64.random(in: 0...$0, using: &rng) }
            let amount = Int64.random(in: 0...2_000_000, using: &rng)
            let parts = LargestRemainder.spread(amount, weights: weights, room: room)
            #expect(zip(parts, room).allSatisfy { $0 >= 0 && $0 <= $1 })
            let given = parts.reduce(0, +)
            #expect(given == min(amount, zip(weights, room).reduce(0) { $0 + ($1.0 > 0 ? $1.1 : 0) }))
        }
    }
}
