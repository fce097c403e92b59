import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// Points: earned per currency unit paid (by tier), spent as a payment within a cap, expired
/// after a time without purchases.
struct PointsRuleTests {
    static func points(cap: Int64 = 5_000, expiry: Int32? = 365) -> Rule {
        Rule(id: "points", name: "Club points", membersOnly: true,
             kind: .points(PointsProgramme(pointValue: 1_00, earnEvery: 100_00, earnPoints: 1, earnPointsByTier: ["silver": 2, "gold": 3],
                                           redeemCapBasisPoints: cap, expiryDays: expiry)))
    }

    static let program = Store.program([.standardTiers, points()])

    struct Earning: Sendable, CustomTestStringConvertible {
        var tierSpend: Int64
        var lines: [String]
        var pointsPaid: Int64
        var earned: Int64
        var testDescription: String { "\(lines) at \(tierSpend) paying \(pointsPaid) points → \(earned)" }
    }

    // Milk ×10 is 899.00; two packs of cigarettes add 360.00 that earn nothing (excluded).
    static let earnings: [Earning] = [
        Earning(tierSpend: 0, lines: ["milk"], pointsPaid: 0, earned: 8),
        Earning(tierSpend: 20_000_00, lines: ["milk"], pointsPaid: 0, earned: 2 * 8),   // silver earns 2; 899.00 − 3 % = 872.03
        Earning(tierSpend: 0, lines: ["milk", "cigarettes"], pointsPaid: 0, earned: 8),
        Earning(tierSpend: 0, lines: ["milk"], pointsPaid: 300, earned: 5),            // 599.00 paid otherwise
    ]

    @Test(arguments: earnings)
    func pointsAreEarnedOnWhatIsPaidOtherwise(_ e: Earning) throws {
        var lines = [Store.line(Store.milk, "10")]
        if e.lines.contains("cigarettes") { lines.append(Store.line(Store.cigarettes, "2")) }
        let customer = Store.customer(points: 1_000, days: e.tierSpend > 0 ? [(1, 1, e.tierSpend)] : [(1, 1, 100_00)])
        let payments = e.pointsPaid > 0 ? [Payment(method: .points, amount: e.pointsPaid * 100)] : []
        let quote = try Store.quote(PointsRuleTests.program, Store.basket(lines, payments: payments), customer: customer)
        #expect(quote.priced.pointsEarned == e.earned)
        #expect(quote.priced.pointsSpent == e.pointsPaid)
    }

    @Test
    func pointsMayPayUpToTheCapAndNoMore() throws {
        let customer = Store.customer(points: 10_000, days: [(1, 1, 100_00)])
        let basket = [Store.line(Store.milk, "10")]  // 899.00: at most 449.50, so 449 whole points
        let fits = try Store.quote(PointsRuleTests.program, Store.basket(basket, payments: [Payment(method: .points, amount: 449_00)]), customer: customer)
        #expect(fits.priced.pointsSpent == 449)
        #expect(fits.pointsRedeemableMax == 449)
        #expect(throws: LedgerError.self) {
            try Store.quote(PointsRuleTests.program, Store.basket(basket, payments: [Payment(method: .points, amount: 450_00)]), customer: customer)
        }
    }

    @Test
    func redeemableIsBoundByTheBalance() throws {
        let customer = Store.customer(points: 120, days: [(1, 1, 100_00)])
        let quote = try Store.quote(PointsRuleTests.program, Store.basket([Store.line(Store.milk, "10")]), customer: customer)
        #expect(quote.pointsRedeemableMax == 120)
    }

    struct Expiry: Sendable, CustomTestStringConvertible {
        var lastVisitAgo: Int32
        var expired: Bool
        var testDescription: String { "last visit \(lastVisitAgo) days ago" }
    }

    @Test(arguments: [Expiry(lastVisitAgo: 364, expired: false), Expiry(lastVisitAgo: 365, expired: true)])
    func balanceExpiresAfterTheDaysWithoutAPurchase(_ e: Expiry) throws {
        let customer = Store.customer(points: 700, days: [(e.lastVisitAgo, 1, 100_00)])
        let quote = try Store.quote(PointsRuleTests.program, Store.basket([Store.line(Store.milk, "10")]), customer: customer)
        #expect(quote.standing?.points == (e.expired ? 0 : 700))
        #expect(quote.priced.pointsExpired == (e.expired ? 700 : 0))
    }

    @Test
    func aProgrammeWithoutPointsRefusesAPointsPayment() throws {
        let program = Store.program([.standardTiers])
        #expect(throws: LedgerError.self) {
            try Store.quote(program, Store.basket([Store.line(Store.milk, "1")], payments: [Payment(method: .points, amount: 10_00)]))
        }
    }
}
