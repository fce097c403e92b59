import KassaCore
import Yams

extension RuleSetParser {
    /// Days of spend that count towards a tier when `window_days` is not written.
    static let windowDaysDefault: Int64 = 365
    /// What a point pays for when `point_value` is not written: 1.00.
    static let pointValueDefault: Int64 = 100
    /// Most points one `earn_every` may earn; far above any programme, it keeps balances small.
    static let earnPointsMax: Int64 = 1_000_000
    /// Most days a birthday benefit may start before or end after the birthday.
    static let birthdayDaysRange: ClosedRange<Int64> = 0...31
}

extension RuleSetParser.DocumentReader {
    /// `tiers`: the window and the ladder of levels, each level's id claimed like a rule's.
    mutating func tierLadder(_ mapping: Mapping) throws(RuleSetError) -> TierLadder {
        let here = mapping.location
        if let tiers {
            throw here.key("kind").error("is tiers, but \(tiers.path) is already the tiers rule; a rule set has at "
                                         + "most one (put every level in it)")
        }
        var windowDays = RuleSetParser.windowDaysDefault
        if let field = mapping.optional("window_days") {
            windowDays = try RuleSetParser.integer(field, in: RuleSetParser.daysRange, unit: "days")
        }
        let (levelsNode, levelsLocation) = try mapping.required("levels")
        let nodes = try list(levelsNode, at: levelsLocation, noun: "levels")
        guard !nodes.isEmpty else { throw levelsLocation.error("must have at least one level, starting from 0") }
        var levels: [TierLevel] = []
        for (index, node) in nodes.enumerated() {
            let level = try tierLevel(node, at: levelsLocation.index(index), after: levels.last)
            levels.append(level)
        }
        tiers = (here.path, levels.map(\.id))
        return TierLadder(windowDays: Int32(windowDays), levels: levels)
    }

    /// One level: `{id, name, from, percent}`, `from` above the previous level's.
    mutating func tierLevel(_ node: Node, at location: Location,
                            after previous: TierLevel?) throws(RuleSetError) -> TierLevel {
        let mapping = try Mapping(node, at: location, what: "a mapping with id, name, from and percent")
        try mapping.rejectUnknownKeys(known: ["id", "name", "from", "percent"])
        let (idNode, idLocation) = try mapping.required("id")
        let id = try RuleSetParser.identifier(idNode, at: idLocation)
        // Lines the level discounts carry the rule id `tier-<level id>`, so that is what must
        // not clash with another rule's id.
        try claim("tier-\(id)", at: idLocation, owner: "the tier level \(location.path)")
        var name = id
        if let (node, location) = mapping.optional("name") { name = try RuleSetParser.name(node, at: location) }
        let fromField = try mapping.required("from")
        let from = try RuleSetParser.money(fromField, lower: .zero)
        if let previous, from <= previous.from {
            throw fromField.location.error("must be more than the previous level's from (\(previous.from)), "
                                           + "got \(from); list levels from the lowest spend up")
        } else if previous == nil, from != 0 {
            throw fromField.location.error("must be 0 for the first level, so that every member has a tier, "
                                           + "got \(from)")
        }
        let percent = try RuleSetParser.percent(mapping.required("percent"), lower: .zero)
        return TierLevel(id: id, name: name, from: from, percentBasisPoints: percent)
    }

    /// `points`: earning, redeeming and expiry.
    mutating func pointsProgramme(_ mapping: Mapping) throws(RuleSetError) -> PointsProgramme {
        if let pointsPath {
            throw mapping.location.key("kind").error("is points, but \(pointsPath) is already the points rule; a "
                                                     + "rule set has at most one")
        }
        pointsPath = mapping.location.path
        var points = PointsProgramme(
            pointValue: RuleSetParser.pointValueDefault,
            earnEvery: try RuleSetParser.money(mapping.required("earn_every"), lower: .positive),
            earnPoints: try RuleSetParser.integer(mapping.required("earn_points"), in: 0...RuleSetParser.earnPointsMax,
                                                  unit: "points"))
        if let field = mapping.optional("point_value") {
            points.pointValue = try RuleSetParser.money(field, lower: .positive)
        }
        if let field = mapping.optional("earn_points_by_tier") {
            points.earnPointsByTier = try earnPointsByTier(field)
        }
        if let field = mapping.optional("redeem_cap_percent") {
            points.redeemCapBasisPoints = try RuleSetParser.percent(field, lower: .zero)
        }
        if let field = mapping.optional("expiry_days") {
            points.expiryDays = Int32(try RuleSetParser.integer(field, in: RuleSetParser.daysRange, unit: "days"))
        }
        return points
    }

    /// `earn_points_by_tier: {tier id: points}`; the tier ids are checked after the last rule.
    mutating func earnPointsByTier(_ field: RuleSetParser.Field) throws(RuleSetError) -> [String: Int64] {
        let mapping = try Mapping(field.node, at: field.location, what: "a mapping of tier id to points")
        guard mapping.keys.count <= RuleSetParser.listEntriesMax else {
            throw field.location.error("has \(mapping.keys.count) tiers; at most \(RuleSetParser.listEntriesMax) are "
                                       + "allowed")
        }
        try charge(mapping.keys.count, at: field.location)
        var byTier: [String: Int64] = [:]
        for key in mapping.keys {
            let entry = try mapping.required(key)
            byTier[key] = try RuleSetParser.integer(entry, in: 0...RuleSetParser.earnPointsMax, unit: "points")
            tierReferences.append((key, entry.location))
        }
        return byTier
    }

    /// `birthday`: the days around it and exactly one benefit.
    func birthday(_ mapping: Mapping) throws(RuleSetError) -> Rule.Kind {
        var daysBefore: Int64 = 0
        var daysAfter: Int64 = 0
        if let field = mapping.optional("days_before") {
            daysBefore = try RuleSetParser.integer(field, in: RuleSetParser.birthdayDaysRange, unit: "days")
        }
        if let field = mapping.optional("days_after") {
            daysAfter = try RuleSetParser.integer(field, in: RuleSetParser.birthdayDaysRange, unit: "days")
        }
        try requireExactlyOne(of: "percent", "points_multiplier", in: mapping)
        let benefit: BirthdayBenefit
        if let field = mapping.optional("percent") {
            benefit = .percent(try RuleSetParser.percent(field, lower: .positive))
        } else {
            benefit = .pointsMultiplier(try RuleSetParser.integer(mapping.required("points_multiplier"), in: 2...100))
        }
        return .birthday(daysBefore: Int32(daysBefore), daysAfter: Int32(daysAfter), benefit: benefit)
    }

    /// `n_for_m`: of every `buy` units, `pay` are paid for.
    mutating func nForM(_ mapping: Mapping) throws(RuleSetError) -> Rule.Kind {
        let buy = try RuleSetParser.integer(mapping.required("buy"), in: 2...100, unit: "units")
        let pay = try RuleSetParser.integer(mapping.required("pay"), in: 1...(buy - 1), unit: "units")
        return .nForM(try target(mapping), buy: buy, pay: pay)
    }

    /// A percentage or an amount off the basket, exactly one of them.
    func basketBenefit(_ mapping: Mapping) throws(RuleSetError) -> BasketBenefit {
        try requireExactlyOne(of: "percent", "amount", in: mapping)
        if let field = mapping.optional("percent") {
            return .percent(try RuleSetParser.percent(field, lower: .positive))
        }
        return .amount(try RuleSetParser.money(mapping.required("amount"), lower: .positive))
    }

    /// Refuses a rule with both or neither of two keys that are alternatives.
    func requireExactlyOne(of first: String, _ second: String, in mapping: Mapping) throws(RuleSetError) {
        switch (mapping.has(first), mapping.has(second)) {
        case (true, false), (false, true): return
        case (true, true):
            throw mapping.location.error("has both \(first) and \(second); keep exactly one",
                                         field: mapping.location.key(second).path)
        case (false, false):
            throw mapping.location.error("needs exactly one of \(first) or \(second), got neither",
                                         field: mapping.location.path)
        }
    }

    /// The goods a promotion applies to: `skus`, `categories` or both, at least one entry in all.
    mutating func target(_ mapping: Mapping) throws(RuleSetError) -> Target {
        var target = Target()
        if let (node, location) = mapping.optional("skus") {
            target.skus = try codes(node, at: location, read: RuleSetParser.sku)
        }
        if let (node, location) = mapping.optional("categories") {
            target.categories = try codes(node, at: location, read: RuleSetParser.code)
        }
        guard !target.skus.isEmpty || !target.categories.isEmpty else {
            throw mapping.location.error("needs goods to apply to: skus, categories or both, with at least one entry",
                                         field: mapping.location.path)
        }
        return target
    }
}
