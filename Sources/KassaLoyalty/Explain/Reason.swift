import KassaCore

/// A rule that applies, or would apply, said for people: the customer card's `discounts` and a
/// quote's reasons.
public struct Reason: Hashable, Sendable {
    /// The rule id (a tier's line id, `tier-silver`, for the tiers rule).
    public var rule: String
    /// The rule's kind as written in rule files.
    public var kind: String
    /// The benefit in short: `3 %`, `200.00 off`, `×2 points`.
    public var value: String
    /// Why it applies, in a sentence.
    public var text: String
    /// Discount it gave on a quote (0 on the card).
    public var discount: Int64
    /// Points it gave on a quote (0 on the card).
    public var points: Int64
}

extension PricingProgram {
    /// The reasons for every rule that gave something on `quote`.
    public func reasons(for quote: Quote) -> [Reason] {
        quote.applied.map { applied in
            var reason = describe(applied.rule, level: applied.level, standing: quote.standing)
            reason.discount = applied.discount
            reason.points = applied.points
            if applied.points > 0 {
                reason.text += " (\(applied.points) points on this receipt)"
            }
            return reason
        }
    }

    /// A near miss in a sentence.
    public func text(_ miss: NearMiss) -> String {
        switch miss {
        case .tier(let rule, let level, let missing):
            guard case .tiers(let ladder) = ruleSet.rules[rule].kind else { return "" }
            let target = ladder.levels[level]
            return "\(Money.groupedText(missing)) more to \(target.name) (\(PricingProgram.percentText(target.percentBasisPoints)) off) within \(ladder.windowDays) days"
        case .regularCustomer(let rule, let visits):
            guard case .regularCustomer(_, let days, let basisPoints) = ruleSet.rules[rule].kind else { return "" }
            let offer = "the regular-customer discount (\(PricingProgram.percentText(basisPoints)))"
            if visits == 0 { return "this visit earns \(offer) from the next one" }
            return "\(visits == 1 ? "one more visit" : "\(visits) more visits") within \(days) days for \(offer)"
        case .birthday(let rule, let days):
            return "birthday offer (\(benefitText(rule))) starts in \(days) \(days == 1 ? "day" : "days")"
        case .basketThreshold(let rule, let missing):
            return "\(Money.groupedText(missing)) more of discountable goods for \(benefitText(rule)) (\(ruleSet.rules[rule].name))"
        case .nForM(let rule, let units):
            guard case .nForM(_, let buy, let pay) = ruleSet.rules[rule].kind else { return "" }
            return "\(units == 1 ? "one more item" : "\(units) more items") completes \(buy) for \(pay) (\(ruleSet.rules[rule].name))"
        }
    }

    /// The id a near miss is about.
    public func ruleID(_ miss: NearMiss) -> String {
        switch miss {
        case .tier(let rule, _, _), .regularCustomer(let rule, _), .birthday(let rule, _), .basketThreshold(let rule, _), .nForM(let rule, _):
            ruleSet.rules[rule].id
        }
    }

    /// Rule `index` said for people, with the customer's figures where they matter.
    func describe(_ index: Int, level: Int?, standing: CustomerStanding?) -> Reason {
        if let fixed = fixedReasons[index] { return fixed }
        if index == pointsRule {
            // Its sentence depends only on the tier held: made once per tier level.
            let held = (standing?.tierLevel).map { $0 + 1 } ?? 0
            if held < pointsReasons.count { return pointsReasons[held] }
        }
        let rule = ruleSet.rules[index]
        var id = rule.id
        var value = benefitText(index)
        let text: String
        switch rule.kind {
        case .tiers(let ladder):
            let held = ladder.levels[level ?? standing?.tierLevel ?? 0]
            id = "tier-\(held.id)"
            value = PricingProgram.percentText(held.percentBasisPoints)
            text = "\(held.name) tier: \(Money.groupedText(standing?.tierSpend ?? 0)) spent in the last \(ladder.windowDays) days (\(held.name) from \(Money.groupedText(held.from)))"
        case .points(let programme):
            return PricingProgram.pointsReason(rule, programme, rate: earnRate(programme, tierLevel: standing?.tierLevel))
        case .regularCustomer(let visits, let days, _):
            text = "regular customer: \(standing?.recentVisits ?? 0) visits in the last \(days) days (\(visits) needed)"
        case .winBack(let days, _):
            text = "\(rule.name): \(value) for coming back after \(standing?.daysSinceLastVisit ?? days) days (\(days) or more)"
        case .birthday, .percentOff, .amountOff, .fixedPrice, .nForM, .basketThreshold, .firstPurchase:
            text = PricingProgram.fixedText(rule, value: value) ?? ""
        }
        return Reason(rule: id, kind: rule.kindName, value: value, text: text, discount: 0, points: 0)
    }

    /// The reason of the points rule `rule` for a customer earning `rate` points.
    static func pointsReason(_ rule: Rule, _ programme: PointsProgramme, rate: Int64) -> Reason {
        let value = "\(rate) per \(Money.groupedText(programme.earnEvery))"
        let text = "\(rule.name): \(rate) \(rate == 1 ? "point" : "points") for every \(Money.groupedText(programme.earnEvery)) paid; up to \(PricingProgram.percentText(programme.redeemCapBasisPoints)) of a receipt may be paid with points, one point is \(Money.groupedText(programme.pointValue))"
        return Reason(rule: rule.id, kind: rule.kindName, value: value, text: text, discount: 0, points: 0)
    }

    /// The points rule's reason for a customer without a tier, then for each level of `ladder`
    /// (at the rates of `earnRates`): made once when the program is compiled (empty without a
    /// points rule).
    static func pointsReasons(_ ruleSet: RuleSet, pointsRule: Int?, ladder: TierLadder?) -> [Reason] {
        guard let pointsRule, case .points(let programme) = ruleSet.rules[pointsRule].kind else { return [] }
        return earnRates(programme, ladder: ladder).map { pointsReason(ruleSet.rules[pointsRule], programme, rate: $0) }
    }

    /// The sentence of a rule whose reason does not depend on the customer; nil for the kinds
    /// whose reason does (tiers, points, regular customer, win-back).
    static func fixedText(_ rule: Rule, value: String) -> String? {
        switch rule.kind {
        case .birthday(let before, let after, _):
            return "birthday offer, \(before) days before to \(after) days after the birthday"
        case .percentOff(let target, _), .amountOff(let target, _), .fixedPrice(let target, _), .nForM(let target, _, _):
            return "\(rule.name): \(value) on \(PricingProgram.targetText(target))"
        case .basketThreshold(let spend, _):
            return "\(rule.name): \(value) on a basket of \(Money.groupedText(spend)) or more of discountable goods"
        case .firstPurchase:
            return "\(rule.name): \(value) on the first purchase after enrolment"
        case .tiers, .points, .regularCustomer, .winBack:
            return nil
        }
    }

    /// The reason of each rule whose reason does not depend on the customer, made once when
    /// the program is compiled rather than on every quote.
    static func fixedReasons(_ ruleSet: RuleSet) -> [Reason?] {
        ruleSet.rules.map { rule in
            let value = benefitText(rule.kind)
            return fixedText(rule, value: value).map { Reason(rule: rule.id, kind: rule.kindName, value: value, text: $0, discount: 0, points: 0) }
        }
    }

    /// The benefit of rule `index` in short.
    func benefitText(_ index: Int) -> String { PricingProgram.benefitText(ruleSet.rules[index].kind) }

    /// The benefit of a rule of `kind` in short.
    static func benefitText(_ kind: Rule.Kind) -> String {
        switch kind {
        case .tiers: return "by tier"
        case .points(let programme): return "\(programme.earnPoints) per \(Money.groupedText(programme.earnEvery))"
        case .regularCustomer(_, _, let basisPoints), .percentOff(_, let basisPoints):
            return "\(PricingProgram.percentText(basisPoints)) off"
        case .birthday(_, _, .percent(let basisPoints)): return "\(PricingProgram.percentText(basisPoints)) off"
        case .birthday(_, _, .pointsMultiplier(let factor)): return "×\(factor) points"
        case .amountOff(_, let amount): return "\(Money.groupedText(amount)) off each unit"
        case .fixedPrice(_, let price): return "\(Money.groupedText(price)) a unit"
        case .nForM(_, let buy, let pay): return "\(buy) for \(pay)"
        case .basketThreshold(_, let benefit), .firstPurchase(let benefit), .winBack(_, let benefit):
            switch benefit {
            case .percent(let basisPoints): return "\(PricingProgram.percentText(basisPoints)) off"
            case .amount(let amount): return "\(Money.groupedText(amount)) off"
            }
        }
    }

    static func targetText(_ target: Target) -> String {
        let parts = target.categories + target.skus
        return parts.count <= 3 ? parts.joined(separator: ", ") : parts.prefix(3).joined(separator: ", ") + " and \(parts.count - 3) more"
    }
}
