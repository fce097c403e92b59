import KassaCore

/// What the customer card shows: the discounts that apply at checkout today and why, and what
/// the customer is close to.
public struct CustomerOffers: Sendable {
    /// Each rule that applies to this customer today.
    public var discounts: [Reason]
    /// What the customer nearly qualifies for, in sentences, with the rule ids.
    public var nearMisses: [(rule: String, text: String)]
    /// Where the customer stands.
    public var standing: CustomerStanding
    /// The tier held (its id), when the rules have tiers.
    public var tier: String?
}

extension PricingProgram {
    /// The offers for `account` on `today`, in any store (rules limited to some stores say so).
    public func offers(for account: CustomerAccount, today: Int32) -> CustomerOffers {
        let active = ruleSet.rules.indices.map { isInForce($0, on: today) }
        let standing = self.standing(of: account, today: today, active: active)
        var discounts: [Reason] = []
        var nearMisses: [NearMiss] = []
        var tier: String?
        for index in order where active[index] {
            let rule = ruleSet.rules[index]
            var applies = true
            switch rule.kind {
            case .tiers(let ladder):
                let level = standing.tierLevel ?? 0
                tier = ladder.levels[level].id
                applies = ladder.levels[level].percentBasisPoints > 0
                if level + 1 < ladder.levels.count {
                    nearMisses.append(.tier(rule: index, level: level + 1, missing: ladder.levels[level + 1].from - standing.tierSpend))
                }
            case .points:
                applies = true
            case .regularCustomer(let visits, let days, _):
                let recent = account.visits(lastDays: days, today: today)
                applies = recent >= visits
                if !applies { nearMisses.append(.regularCustomer(rule: index, visits: visits - recent)) }
            case .birthday(let before, let after, _):
                guard let delta = standing.birthdayInDays else { applies = false; break }
                applies = PricingProgram.inBirthdayWindow(delta, before: before, after: after)
                if !applies, let days = PricingProgram.daysToBirthdayOffer(delta, before: before) {
                    nearMisses.append(.birthday(rule: index, days: days))
                }
            case .firstPurchase:
                applies = standing.firstPurchase
            case .winBack(let days, _):
                applies = (standing.daysSinceLastVisit ?? 0) >= days
            case .percentOff, .amountOff, .fixedPrice, .nForM, .basketThreshold:
                applies = true
            }
            guard applies else { continue }
            var reason = describe(index, level: standing.tierLevel, standing: standing)
            if !rule.stores.isEmpty { reason.text += " (in \(rule.stores.joined(separator: ", ")))" }
            if case .points = rule.kind {
                reason.text += standing.pointsExpired > 0
                    ? "; the balance of \(standing.pointsExpired) points has expired"
                    : "; balance \(standing.points) points"
            }
            discounts.append(reason)
        }
        return CustomerOffers(discounts: discounts, nearMisses: nearMisses.map { (ruleID($0), text($0)) },
                              standing: standing, tier: tier)
    }

    /// Rule indices by priority, highest first, then as written.
    var order: [Int] { rankOrder }
}
