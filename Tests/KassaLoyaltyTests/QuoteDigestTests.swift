import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// Thousands of random programmes, customers and baskets priced, and everything a quote says
/// (lines, discounts, rule ids, categories, applied rules, near misses, standing, points, the
/// refusals' messages, the reasons and near misses in words) folded into one number. The
/// number was taken from the engine before its hot path was reworked for speed: a rework may
/// change how a quote is computed, never what it says.
struct QuoteDigestTests {
    typealias Generator = PricingPropertyTests.Generator

    static let categories = ["dairy", "snacks", "meat", "bakery", "tobacco", "toys"]

    /// FNV-1a over text: stable across runs and builds, unlike `Hasher`.
    struct Digest {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        mutating func add(_ text: String) {
            for byte in text.utf8 {
                value ^= UInt64(byte)
                value &*= 0x0000_0100_0000_01B3
            }
            value ^= 0xFF
            value &*= 0x0000_0100_0000_01B3
        }
    }

    /// The property tests' programme with some rules limited in days and stores, more rules on
    /// one target (long stacks), and now and then SKU exclusions.
    static func programme(_ g: inout Generator, today: Int32) -> RuleSet {
        var set = PricingPropertyTests.programme(&g)
        for _ in 0..<Int(g.int(0...6)) {
            let skus = [g.pick(PricingPropertyTests.products).sku.code, g.pick(PricingPropertyTests.products).sku.code]
            let target = g.chance(50) ? Target(categories: [g.pick(["dairy", "snacks", "meat"])]) : Target(skus: skus)
            let kind: Rule.Kind = g.chance(50) ? .percentOff(target, percentBasisPoints: g.int(100...3_000)) : .amountOff(target, amount: g.int(1_00...20_00))
            set.rules.append(Rule(id: "extra-\(set.rules.count)", name: "Extra \(set.rules.count)", priority: Int(g.int(0...3)),
                                  stackable: g.chance(70), kind: kind))
        }
        for index in set.rules.indices where g.chance(10) {
            if g.chance(50) {
                set.rules[index].stores = [g.pick(["S1", "S2"])]
            } else {
                set.rules[index].validFrom = LocalDate(daysSinceEpoch: today - Int32(g.int(-2...5)))
                set.rules[index].validTo = LocalDate(daysSinceEpoch: today + Int32(g.int(-2...5)))
            }
        }
        if g.chance(30) { set.exclusions.skus = [g.pick(PricingPropertyTests.products).sku.code] }
        return set
    }

    static func customer(_ g: inout Generator, today: Int32) -> CustomerAccount {
        var profile = Customer(card: CardNumber(value: 7_000_000_000_100, digits: 13)!,
                               birthdate: g.chance(80) ? LocalDate(daysSinceEpoch: today - 365 * 30 + Int32(g.int(-20...20))) : nil,
                               enrolledAt: Timestamp(epochMilliseconds: (Int64(today) - g.int(0...400)) * 86_400_000, offsetMinutes: 0))
        profile.name = "C"
        var account = CustomerAccount(profile: profile)
        var day = today - Int32(g.int(0...500))
        for _ in 0..<Int(g.int(0...8)) {
            account.recentDays.append(DayActivity(day: day, visits: Int32(g.int(1...3)), spend: g.int(0...900_000)))
            day += Int32(g.int(1...60))
            if day >= today { break }
        }
        account.visits = account.recentDays.reduce(0) { $0 + $1.visits }
        account.lifetimeSpend = account.recentDays.reduce(0) { $0 + $1.spend }
        account.firstVisitDay = account.recentDays.first?.day
        account.lastVisitDay = account.recentDays.last?.day
        account.points = g.chance(10) ? -g.int(0...10) : g.int(0...5_000)
        return account
    }

    static func receipt(_ g: inout Generator, at: Timestamp) -> Receipt {
        let lines: [ReceiptLine] = (0..<Int(g.int(1...40))).map { _ in
            let product = g.pick(PricingPropertyTests.products)
            let weighed = product.flags.contains(.weighed) || g.chance(3)
            let qty = weighed ? Quantity(thousandths: g.int(1...2_500)) : Quantity(pieces: g.int(1...6))
            let sku = g.chance(5) ? Fixture.sku("4600000009995") : product.sku
            let price = g.chance(3) ? 0 : (g.chance(2) ? 90_000_000_00 : product.price)
            return ReceiptLine(sku: sku, qty: qty, price: price, category: g.chance(15) ? g.pick(categories) : nil)
        }
        var payments: [Payment] = []
        if g.chance(20) { payments.append(Payment(method: .points, amount: g.int(0...40) * 50)) }
        if g.chance(50) { payments.append(Payment(method: .card, amount: g.int(0...10_000_00))) }
        return Receipt(id: "Q", store: g.pick(["S1", "S2"]), terminal: "T1", cashier: "C1", at: at,
                       customer: nil, lines: lines, payments: payments)
    }

    /// Everything a quote and its explanations say, in text.
    static func add(_ quote: Quote, of program: PricingProgram, to digest: inout Digest) {
        digest.add("\(quote.priced)")
        digest.add("\(quote.applied)|\(quote.nearMisses)|\(String(describing: quote.standing))|\(quote.pointsRedeemableMax)")
        for reason in program.reasons(for: quote) { digest.add("\(reason)") }
        for miss in quote.nearMisses { digest.add(program.ruleID(miss) + ": " + program.text(miss)) }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func quotesSayWhatTheySaidBefore(part: UInt64) {
        let expected: [UInt64: UInt64] = [1: 15200028786747354462, 2: 15910707782708424848, 3: 5053260469269241673, 4: 8906241258800909925]
        var digest = Digest()
        var g = Generator(state: 0x5EED_0000 + part)
        let catalog: Catalog = {
            var catalog = Catalog()
            catalog.upsertLoaded(PricingPropertyTests.products)
            return catalog
        }()
        let at = Fixture.morning
        let today = at.localDay
        // What the sample covers, so that it keeps covering it: refusals, long stacks of rules,
        // near misses.
        var refused = 0, longStacks = 0, nearMisses = 0, priced = 0
        for _ in 0..<150 {
            let program = PricingProgram(QuoteDigestTests.programme(&g, today: today), version: 7)
            for _ in 0..<12 {
                let customer = g.chance(75) ? QuoteDigestTests.customer(&g, today: today) : nil
                let receipt = QuoteDigestTests.receipt(&g, at: at)
                let day = today + Int32(g.int(-3...3))
                do {
                    let quote = try program.quote(receipt, customer: customer, catalog: catalog, today: day)
                    QuoteDigestTests.add(quote, of: program, to: &digest)
                    priced += 1
                    longStacks += quote.priced.lines.filter { $0.rules.count >= 3 }.count
                    nearMisses += quote.nearMisses.count
                } catch {
                    digest.add("refused: \(error)")
                    refused += 1
                }
            }
        }
        #expect(digest.value == expected[part], "digest \(part): \(digest.value)")
        #expect(priced > 1_000 && refused > 50 && longStacks > 500 && nearMisses > 500,
                "coverage: \(priced) priced, \(refused) refused, \(longStacks) long stacks, \(nearMisses) near misses")
    }
}
