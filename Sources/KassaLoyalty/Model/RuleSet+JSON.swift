import KassaCore

public extension RuleSet {
    /// The rule set as a document tree in the rules file's own keys, which `RuleSetParser` reads
    /// back to an equal rule set once serialized as JSON (`GET /v1/rules` answers with it).
    ///
    /// Leaves are `String`, `Int64`, `Bool` and, for percentages with decimals, `Double`
    /// (basis points / 100): JSON prints the shortest decimal that reads back as the same
    /// `Double`, so `12.5` and `0.29` come back with their two decimals.
    var jsonTree: [String: Any] {
        [
            "programme": programme,
            "stacking": [
                "policy": stacking.policy.rawValue,
                "cap_percent": RuleSetJSONTree.percent(stacking.capBasisPoints),
            ] as [String: Any],
            "exclusions": ["skus": exclusions.skus, "categories": exclusions.categories],
            "floors": floors.map { ["sku": $0.sku, "price": $0.price] as [String: Any] },
            "rules": rules.map(RuleSetJSONTree.rule),
        ]
    }
}

/// Builds the pieces of `RuleSet.jsonTree`.
private enum RuleSetJSONTree {
    /// A percentage in basis points as the document writes it: `3`, `12.5`, `0.25`.
    static func percent(_ basisPoints: Int64) -> Any {
        basisPoints % 100 == 0 ? basisPoints / 100 : Double(basisPoints) / 100
    }

    /// One rule: the common keys, then its kind's.
    static func rule(_ rule: Rule) -> [String: Any] {
        var tree: [String: Any] = [
            "id": rule.id,
            "kind": rule.kindName,
            "name": rule.name,
            "priority": Int64(rule.priority),
            "stackable": rule.stackable,
            "members_only": rule.membersOnly,
        ]
        if let validFrom = rule.validFrom { tree["valid_from"] = validFrom.description }
        if let validTo = rule.validTo { tree["valid_to"] = validTo.description }
        if !rule.stores.isEmpty { tree["stores"] = rule.stores }
        tree.merge(kind(rule.kind)) { _, kindValue in kindValue }
        return tree
    }

    /// The keys of a rule's kind.
    static func kind(_ kind: Rule.Kind) -> [String: Any] {
        switch kind {
        case .tiers(let ladder):
            let levels = ladder.levels.map { level -> [String: Any] in
                ["id": level.id, "name": level.name, "from": level.from, "percent": percent(level.percentBasisPoints)]
            }
            return ["window_days": Int64(ladder.windowDays), "levels": levels]
        case .points(let points):
            var tree: [String: Any] = [
                "point_value": points.pointValue,
                "earn_every": points.earnEvery,
                "earn_points": points.earnPoints,
                "earn_points_by_tier": points.earnPointsByTier,
                "redeem_cap_percent": percent(points.redeemCapBasisPoints),
            ]
            if let expiryDays = points.expiryDays { tree["expiry_days"] = Int64(expiryDays) }
            return tree
        case let .regularCustomer(visits, days, percentBasisPoints):
            return ["visits": Int64(visits), "days": Int64(days), "percent": percent(percentBasisPoints)]
        case let .birthday(daysBefore, daysAfter, benefit):
            let benefitTree: [String: Any] = switch benefit {
            case .percent(let basisPoints): ["percent": percent(basisPoints)]
            case .pointsMultiplier(let multiplier): ["points_multiplier": multiplier]
            }
            return benefitTree.merging(["days_before": Int64(daysBefore), "days_after": Int64(daysAfter)]) { $1 }
        case let .percentOff(target, percentBasisPoints):
            return self.target(target).merging(["percent": percent(percentBasisPoints)]) { $1 }
        case let .amountOff(target, amount):
            return self.target(target).merging(["amount": amount]) { $1 }
        case let .fixedPrice(target, price):
            return self.target(target).merging(["price": price]) { $1 }
        case let .nForM(target, buy, pay):
            return self.target(target).merging(["buy": buy, "pay": pay]) { $1 }
        case let .basketThreshold(spend, benefit):
            return basket(benefit).merging(["spend": spend]) { $1 }
        case .firstPurchase(let benefit):
            return basket(benefit)
        case let .winBack(inactiveDays, benefit):
            return basket(benefit).merging(["inactive_days": Int64(inactiveDays)]) { $1 }
        }
    }

    /// `skus` and `categories`, each only when it has entries (the parser wants one at least).
    static func target(_ target: Target) -> [String: Any] {
        var tree: [String: Any] = [:]
        if !target.skus.isEmpty { tree["skus"] = target.skus }
        if !target.categories.isEmpty { tree["categories"] = target.categories }
        return tree
    }

    /// `percent` or `amount`.
    static func basket(_ benefit: BasketBenefit) -> [String: Any] {
        switch benefit {
        case .percent(let basisPoints): ["percent": percent(basisPoints)]
        case .amount(let amount): ["amount": amount]
        }
    }
}
