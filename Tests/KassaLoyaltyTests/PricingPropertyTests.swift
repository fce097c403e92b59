import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// Random programmes, customers and baskets, each checked against what every quote and sale
/// must keep: lines add up to the total, no line is negative or below its floor, a sale records
/// exactly what the quote on the same state showed, a full return gives back points, spend and
/// tier, and no balance ever goes negative.
struct PricingPropertyTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int64>) -> Int64 { range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1)) }
        mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let products: [Product] = (0..<40).map { index in
        let categories = ["dairy", "snacks", "meat", "bakery", "tobacco"]
        let weighed = index % 8 == 7
        let code = "46\(String(format: "%010d", index))"
        let digits = code.utf8.map { Int($0 - 0x30) }
        let sku = Fixture.sku(code + String(SKU.checkDigit(payload: digits)))
        return Product(sku: sku, name: "P\(index)", category: categories[index % categories.count],
                       price: Int64(19_90 + (index * 3_733) % 90_000), flags: index % 5 == 4 ? .neverDiscounted : (weighed ? .weighed : []))
    }

    static func programme(_ g: inout Generator) -> RuleSet {
        let target = { (g: inout Generator) -> Target in
            g.chance(50) ? Target(categories: [g.pick(["dairy", "snacks", "meat", "bakery"])])
                         : Target(skus: [g.pick(products).sku.code, g.pick(products).sku.code])
        }
        let benefit = { (g: inout Generator) -> BasketBenefit in g.chance(50) ? .percent(g.int(100...2_000)) : .amount(g.int(10_00...500_00)) }
        var rules: [Rule] = [
            Rule(id: "tiers", name: "Tiers", stackable: g.chance(50), membersOnly: true, kind: .tiers(TierLadder(windowDays: Int32(g.int(30...365)), levels: [
                TierLevel(id: "bronze", name: "Bronze", from: 0, percentBasisPoints: 0),
                TierLevel(id: "silver", name: "Silver", from: g.int(1_000_00...5_000_00), percentBasisPoints: g.int(100...500)),
                TierLevel(id: "gold", name: "Gold", from: g.int(6_000_00...20_000_00), percentBasisPoints: g.int(500...1_000)),
            ]))),
            Rule(id: "points", name: "Points", membersOnly: true, kind: .points(PointsProgramme(
                pointValue: g.pick([50, 1_00]), earnEvery: g.pick([50_00, 100_00]), earnPoints: g.int(1...3),
                earnPointsByTier: ["gold": 5], redeemCapBasisPoints: g.int(1_000...10_000), expiryDays: g.chance(50) ? Int32(g.int(5...30)) : nil))),
        ]
        for index in 0..<Int(g.int(3...12)) {
            let kind: Rule.Kind
            switch g.int(0...8) {
            case 0: kind = .percentOff(target(&g), percentBasisPoints: g.int(100...5_000))
            case 1: kind = .amountOff(target(&g), amount: g.int(1_00...50_00))
            case 2: kind = .fixedPrice(target(&g), price: g.int(5_00...300_00))
            case 3: kind = .nForM(target(&g), buy: g.int(2...4), pay: 1)
            case 4: kind = .basketThreshold(spend: g.int(100_00...2_000_00), benefit: benefit(&g))
            case 5: kind = .firstPurchase(benefit(&g))
            case 6: kind = .winBack(inactiveDays: Int32(g.int(2...20)), benefit: benefit(&g))
            case 7: kind = .regularCustomer(visits: Int32(g.int(2...5)), days: Int32(g.int(7...30)), percentBasisPoints: g.int(100...500))
            default: kind = .birthday(daysBefore: Int32(g.int(0...5)), daysAfter: Int32(g.int(0...5)),
                                      benefit: g.chance(50) ? .percent(g.int(500...1_500)) : .pointsMultiplier(g.int(2...3)))
            }
            let customerRule: Bool = switch kind {
            case .regularCustomer, .birthday, .firstPurchase, .winBack: true
            default: false
            }
            rules.append(Rule(id: "r\(index)", name: "Rule \(index)", priority: Int(g.int(0...3)), stackable: g.chance(60),
                              membersOnly: customerRule || g.chance(20), kind: kind))
        }
        return RuleSet(programme: "Random", stacking: Stacking(policy: g.chance(50) ? .best : .additive, capBasisPoints: g.int(1_000...10_000)),
                       exclusions: Exclusions(categories: g.chance(50) ? ["bakery"] : []),
                       floors: (0..<3).map { _ in let p = g.pick(products); return Floor(sku: p.sku.code, price: p.price * g.int(50...95) / 100) },
                       rules: rules)
    }

    /// The figures a full return must give back.
    struct Standing: Equatable {
        var points: Int64
        var spend: Int64
        var visits: Int32
        var tier: Int?
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func quotesAndSalesKeepTheirPromises(seed: UInt64) throws {
        var g = Generator(state: seed)
        let program = PricingProgram(PricingPropertyTests.programme(&g), version: 1)
        let pricing = ProgramPricing(program: program)
        var ledger = Ledger()
        var clock = Fixture.time("2026-01-05T09:00:00+03:00")
        _ = ledger.apply(.upsertProducts(PricingPropertyTests.products), at: clock, pricing: pricing)
        let cards = (0..<6).map { CardNumber(value: 7_000_000_000_100 + UInt64($0), digits: 13)! }
        for (index, card) in cards.enumerated() {
            let customer = Customer(card: card, phone: "+7900000000\(index)", name: "C\(index)",
                                    birthdate: LocalDate(year: 1980 + index, month: 1 + index, day: 10), source: "till", enrolledAt: clock)
            guard case .applied = ledger.apply(.enrol(customer), at: clock, pricing: pricing) else { Issue.record("enrol"); return }
        }
        for number in 0..<300 {
            clock = Timestamp(epochMilliseconds: clock.epochMilliseconds + g.int(0...(3 * 86_400_000)), offsetMinutes: 180)
            let lines: [ReceiptLine] = (0..<Int(g.int(1...12))).map { _ in
                let product = g.pick(PricingPropertyTests.products)
                let qty = product.flags.contains(.weighed) ? Quantity(thousandths: g.int(100...2_500)) : Quantity(pieces: g.int(1...5))
                return ReceiptLine(sku: product.sku, qty: qty, price: product.price)
            }
            let card: CardNumber? = g.chance(75) ? g.pick(cards) : nil
            var receipt = Receipt(id: "S\(number)", store: "S1", terminal: "T1", cashier: "C1", at: clock, customer: card, lines: lines, payments: [])
            let today = clock.localDay
            let quote = try program.quote(receipt, customer: try ledger.checkBasket(receipt), catalog: ledger.catalog, today: today)
            let priced = quote.priced
            #expect(priced.total == priced.lines.reduce(0) { $0 + $1.amount - $1.discount })
            for (index, line) in priced.lines.enumerated() {
                #expect(line.discount >= 0 && line.discount <= line.amount)
                if let floor = program.ruleSet.floors.first(where: { $0.sku == lines[index].sku.code }),
                   let floorAmount = lines[index].qty.amount(price: floor.price), line.discount > 0 {
                    #expect(line.net >= floorAmount, "line \(index) sells below its floor")
                }
            }
            // Pay part with points now and then, within what the quote says is redeemable.
            var pointsPaid: Int64 = 0
            if case .points(let programme) = program.ruleSet.rules[1].kind, quote.pointsRedeemableMax > 0, g.chance(40) {
                pointsPaid = g.int(1...quote.pointsRedeemableMax) * programme.pointValue
            }
            receipt.payments = [Payment(method: .card, amount: priced.total - pointsPaid)]
            if pointsPaid > 0 { receipt.payments.append(Payment(method: .points, amount: pointsPaid)) }
            let requote = try program.quote(receipt, customer: try ledger.checkBasket(receipt), catalog: ledger.catalog, today: today)
            let before = standing(ledger, card, program: program, today: today)
            guard case .applied(_, .sale(let sale)) = ledger.apply(.sale(receipt), at: clock, pricing: pricing) else {
                Issue.record("sale \(number) refused: \(ledger.apply(.sale(receipt), at: clock, pricing: pricing))")
                return
            }
            #expect(sale.lines.map(\.priced) == requote.priced.lines, "the sale recorded other lines than its quote")
            #expect(sale.pointsEarned == (card == nil ? 0 : requote.priced.pointsEarned))
            #expect(sale.pointsSpent == requote.priced.pointsSpent)
            #expect(sale.tier == (card == nil ? nil : requote.priced.tier))
            for card in cards { #expect((ledger.customers.account(card)?.points ?? 0) >= 0, "a balance went negative") }
            if card != nil, g.chance(30) {
                let back = SaleReturn(id: "R\(number)", sale: sale.id, store: "S1", terminal: "T1", cashier: "C1", at: clock,
                                      lines: sale.lines.map { ReturnLine(sku: $0.line.sku, qty: $0.line.qty) })
                guard case .applied = ledger.apply(.saleReturn(back), at: clock, pricing: pricing) else { Issue.record("return refused"); return }
                var expected = before
                expected?.points -= sale.pointsExpired
                #expect(standing(ledger, card, program: program, today: today) == expected, "a full return did not give everything back")
            }
        }
    }

    func standing(_ ledger: Ledger, _ card: CardNumber?, program: PricingProgram, today: Int32) -> Standing? {
        guard let card, let account = ledger.customers.account(card) else { return nil }
        let active = program.activeRules(store: "S1", today: today, member: true)
        let window = program.ladder(active)?.windowDays ?? 365
        return Standing(points: account.points, spend: account.spend(lastDays: window, today: today),
                        visits: account.visits, tier: program.standing(of: account, today: today, active: active).tierLevel)
    }
}
