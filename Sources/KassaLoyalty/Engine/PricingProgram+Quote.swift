import KassaCore

extension PricingProgram {
    /// A discount one rule offers one line.
    struct Candidate {
        var rule: Int
        /// The tier level for the tiers rule, else −1.
        var level: Int
        var amount: Int64
    }

    /// What pass one learns about each line.
    struct LineFacts {
        var priced: [PricedLine] = []
        /// Most discount the line may take: 0 when excluded, else bounded by the cap and its floor.
        var room: [Int64] = []
        var excluded: [Bool] = []
        var skuRules: [[Int]] = []
        var categoryRules: [[Int]] = []
    }

    /// Prices `receipt` for `customer` on local day `today`: the engine behind quotes, sales and
    /// the customer card. Pure: the same inputs give the same quote.
    public func quote(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, today: Int32) throws(LedgerError) -> Quote {
        let active = activeRules(store: receipt.store, today: today, member: customer != nil)
        let standing = customer.map { self.standing(of: $0, today: today, active: active) }
        var facts = try lineFacts(receipt, catalog: catalog)
        var nearMisses: [NearMiss] = []
        var birthdayMultiplier: (rule: Int, factor: Int64)?
        let percents = customerPercents(customer, standing: standing, active: active, today: today,
                                        nearMisses: &nearMisses, birthdayMultiplier: &birthdayMultiplier)
        var parts = setParts(receipt, facts: facts, active: active, nearMisses: &nearMisses)
        parts += basketParts(facts, standing: standing, active: active, nearMisses: &nearMisses)
        var ruleDiscounts = [Int64](repeating: 0, count: ruleSet.rules.count)
        var levelDiscount: (level: Int, amount: Int64)?
        var local: [Candidate] = []
        local.reserveCapacity(8)
        for index in facts.priced.indices where facts.room[index] > 0 {
            local.removeAll(keepingCapacity: true)
            collect(index, receipt.lines[index], facts: facts, percents: percents, parts: parts, active: active, into: &local)
            guard !local.isEmpty else { continue }
            let given = settle(&local, room: facts.room[index])
            var ids: [String] = []
            var total: Int64 = 0
            for candidate in local where candidate.amount > 0 {
                total += candidate.amount
                if candidate.level >= 0 {
                    levelDiscount = (candidate.level, (levelDiscount?.amount ?? 0) + candidate.amount)
                    ids = ids.isEmpty && given == 1 ? levelIDs[candidate.level] : ids + levelIDs[candidate.level]
                } else {
                    ruleDiscounts[candidate.rule] += candidate.amount
                    ids = ids.isEmpty && given == 1 ? ruleIDs[candidate.rule] : ids + ruleIDs[candidate.rule]
                }
            }
            facts.priced[index].discount = total
            facts.priced[index].rules = ids
        }
        return try finish(receipt, customer: customer, standing: standing, facts: facts, active: active,
                          ruleDiscounts: ruleDiscounts, levelDiscount: levelDiscount,
                          birthdayMultiplier: birthdayMultiplier, nearMisses: nearMisses)
    }

    /// Pass one: each line's amount, category, exclusion, room and targeted rules.
    private func lineFacts(_ receipt: Receipt, catalog: Catalog) throws(LedgerError) -> LineFacts {
        var facts = LineFacts()
        let count = receipt.lines.count
        facts.priced.reserveCapacity(count)
        facts.room.reserveCapacity(count)
        facts.excluded.reserveCapacity(count)
        facts.skuRules.reserveCapacity(count)
        facts.categoryRules.reserveCapacity(count)
        let cap = ruleSet.stacking.capBasisPoints
        for (index, line) in receipt.lines.enumerated() {
            guard let amount = line.qty.amount(price: line.price) else {
                throw LedgerError(.amountOverflow, "qty × price does not fit in a minor-unit amount", field: "lines[\(index)]")
            }
            let product = catalog.pricingFacts(of: line.sku)
            let category = line.category ?? product?.category ?? ""
            let sku = skuFacts.isEmpty ? nil : skuFacts[line.sku.code]
            let group = categoryFacts.isEmpty ? nil : categoryFacts[category]
            let excluded = product?.flags.contains(.neverDiscounted) == true || sku?.excluded == true || group?.excluded == true
            var room: Int64 = 0
            if !excluded && amount > 0 {
                // The cap rounds down: a 30 % cap never lets 30.01 % through.
                room = cap >= 10_000 ? amount : amount * cap / 10_000
                if let floor = sku?.floor, let floorAmount = line.qty.amount(price: floor) {
                    room = min(room, max(0, amount - floorAmount))
                }
            }
            facts.priced.append(PricedLine(amount: amount, discount: 0, rules: [], category: category))
            facts.room.append(room)
            facts.excluded.append(excluded)
            facts.skuRules.append(sku?.rules ?? [])
            facts.categoryRules.append(group?.rules ?? [])
        }
        return facts
    }

    /// Percentages every discountable line gets from the customer's standing: the tier, the
    /// regular-customer rule, the birthday. Also notes the birthday points multiplier.
    private func customerPercents(_ customer: CustomerAccount?, standing: CustomerStanding?, active: [Bool], today: Int32,
                                  nearMisses: inout [NearMiss],
                                  birthdayMultiplier: inout (rule: Int, factor: Int64)?) -> [(rule: Int, level: Int, basisPoints: Int64)] {
        guard let customer, let standing else { return [] }
        var percents: [(rule: Int, level: Int, basisPoints: Int64)] = []
        if let ladder = ladder(active), let tiersRule, let level = standing.tierLevel, ladder.levels[level].percentBasisPoints > 0 {
            percents.append((tiersRule, level, ladder.levels[level].percentBasisPoints))
        }
        for index in customerRules where active[index] {
            switch ruleSet.rules[index].kind {
            case .regularCustomer(let visits, let days, let basisPoints):
                let recent = customer.visits(lastDays: days, today: today)
                if recent >= visits {
                    percents.append((index, -1, basisPoints))
                } else {
                    // This sale is a visit too.
                    nearMisses.append(.regularCustomer(rule: index, visits: max(0, visits - recent - 1)))
                }
            case .birthday(let before, let after, let benefit):
                guard let delta = standing.birthdayInDays else { continue }
                if PricingProgram.inBirthdayWindow(delta, before: before, after: after) {
                    switch benefit {
                    case .percent(let basisPoints): percents.append((index, -1, basisPoints))
                    case .pointsMultiplier(let factor):
                        if factor > (birthdayMultiplier?.factor ?? 1) { birthdayMultiplier = (index, factor) }
                    }
                } else if delta > before, delta - before <= PricingProgram.birthdayNoticeDays {
                    nearMisses.append(.birthday(rule: index, days: delta - before))
                }
            default:
                continue
            }
        }
        return percents
    }

    /// How many days ahead a coming birthday offer is mentioned.
    static let birthdayNoticeDays: Int32 = 14

    /// N-for-M sets: of every `buy` units of the targeted piece goods the cheapest `buy − pay`
    /// are free. Weighed lines never form sets.
    private func setParts(_ receipt: Receipt, facts: LineFacts, active: [Bool],
                          nearMisses: inout [NearMiss]) -> [(rule: Int, parts: [Int64])] {
        var result: [(rule: Int, parts: [Int64])] = []
        for rule in setRules where active[rule] {
            guard case .nForM(_, let buy, let pay) = ruleSet.rules[rule].kind else { continue }
            var members: [Int] = []
            var units: Int64 = 0
            for index in facts.priced.indices where !facts.excluded[index] && receipt.lines[index].qty.isWhole
                && (facts.skuRules[index].contains(rule) || facts.categoryRules[index].contains(rule)) {
                members.append(index)
                units += receipt.lines[index].qty.thousandths / 1000
            }
            guard units > 0 else { continue }
            if units % buy == buy - 1 { nearMisses.append(.nForM(rule: rule, units: 1)) }
            var free = units / buy * (buy - pay)
            guard free > 0 else { continue }
            members.sort { receipt.lines[$0].price != receipt.lines[$1].price ? receipt.lines[$0].price < receipt.lines[$1].price : $0 < $1 }
            var parts = [Int64](repeating: 0, count: facts.priced.count)
            for index in members where free > 0 {
                let take = min(free, receipt.lines[index].qty.thousandths / 1000)
                parts[index] = take * receipt.lines[index].price
                free -= take
            }
            result.append((rule, parts))
        }
        return result
    }

    /// Basket rules: each one's discount spread over the discountable lines by their amounts.
    private func basketParts(_ facts: LineFacts, standing: CustomerStanding?, active: [Bool],
                             nearMisses: inout [NearMiss]) -> [(rule: Int, parts: [Int64])] {
        var result: [(rule: Int, parts: [Int64])] = []
        var subtotal: Int64 = 0
        for index in facts.priced.indices where !facts.excluded[index] { subtotal += facts.priced[index].amount }
        guard subtotal > 0 else { return result }
        for rule in basketRules where active[rule] {
            let benefit: BasketBenefit
            switch ruleSet.rules[rule].kind {
            case .basketThreshold(let spend, let offer):
                guard subtotal >= spend else {
                    if subtotal * 2 >= spend { nearMisses.append(.basketThreshold(rule: rule, missing: spend - subtotal)) }
                    continue
                }
                benefit = offer
            case .firstPurchase(let offer):
                guard standing?.firstPurchase == true else { continue }
                benefit = offer
            case .winBack(let days, let offer):
                guard let since = standing?.daysSinceLastVisit, since >= days else { continue }
                benefit = offer
            default:
                continue
            }
            let amount: Int64
            switch benefit {
            case .percent(let basisPoints): amount = Rounding.scale(subtotal, by: basisPoints, dividedBy: 10_000) ?? 0
            case .amount(let off): amount = min(off, subtotal)
            }
            guard amount > 0 else { continue }
            let weights = facts.priced.indices.map { facts.excluded[$0] ? 0 : facts.priced[$0].amount }
            result.append((rule, LargestRemainder.spread(amount, weights: weights, room: facts.room)))
        }
        return result
    }

    /// Every discount any rule offers line `index`.
    private func collect(_ index: Int, _ line: ReceiptLine, facts: LineFacts,
                         percents: [(rule: Int, level: Int, basisPoints: Int64)], parts: [(rule: Int, parts: [Int64])],
                         active: [Bool], into local: inout [Candidate]) {
        let amount = facts.priced[index].amount
        for percent in percents {
            local.append(Candidate(rule: percent.rule, level: percent.level, amount: PricingProgram.percent(amount, percent.basisPoints)))
        }
        for rule in facts.skuRules[index] where active[rule] {
            if let offered = lineOffer(rule, line, amount: amount) { local.append(Candidate(rule: rule, level: -1, amount: offered)) }
        }
        for rule in facts.categoryRules[index] where active[rule] && !facts.skuRules[index].contains(rule) {
            if let offered = lineOffer(rule, line, amount: amount) { local.append(Candidate(rule: rule, level: -1, amount: offered)) }
        }
        for part in parts where part.parts[index] > 0 {
            local.append(Candidate(rule: part.rule, level: -1, amount: part.parts[index]))
        }
    }

    /// What a targeted line rule offers a line (nil for rules priced on the whole basket).
    private func lineOffer(_ rule: Int, _ line: ReceiptLine, amount: Int64) -> Int64? {
        switch ruleSet.rules[rule].kind {
        case .percentOff(_, let basisPoints):
            return PricingProgram.percent(amount, basisPoints)
        case .amountOff(_, let off):
            return min(amount, Rounding.scale(off, by: line.qty.thousandths, dividedBy: 1000) ?? amount)
        case .fixedPrice(_, let price):
            guard let fixed = line.qty.amount(price: price) else { return nil }
            return max(0, amount - fixed)
        default:
            return nil
        }
    }

    /// `amount × basisPoints / 10000`, half-up.
    static func percent(_ amount: Int64, _ basisPoints: Int64) -> Int64 {
        Rounding.scale(amount, by: basisPoints, dividedBy: 10_000) ?? 0
    }
}
