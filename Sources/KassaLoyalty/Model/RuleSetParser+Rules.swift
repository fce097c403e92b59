import KassaCore
import Yams

extension RuleSetParser {
    /// A rule's `kind` as written, with the keys it takes beyond the common ones.
    enum KindName: String, CaseIterable {
        case tiers, points
        case regularCustomer = "regular_customer"
        case birthday
        case percentOff = "percent_off"
        case amountOff = "amount_off"
        case fixedPrice = "fixed_price"
        case nForM = "n_for_m"
        case basketThreshold = "basket_threshold"
        case firstPurchase = "first_purchase"
        case winBack = "win_back"

        /// Keys every rule may have.
        static let commonKeys = ["id", "kind", "name", "valid_from", "valid_to", "stores", "priority", "stackable",
                                 "members_only"]

        /// Every key any rule may have.
        static let allKeys = allCases.reduce(into: commonKeys) { keys, kind in
            keys += kind.keys.filter { !keys.contains($0) }
        }

        /// Keys this kind adds.
        var keys: [String] {
            switch self {
            case .tiers: ["window_days", "levels"]
            case .points: ["point_value", "earn_every", "earn_points", "earn_points_by_tier", "redeem_cap_percent",
                           "expiry_days"]
            case .regularCustomer: ["visits", "days", "percent"]
            case .birthday: ["days_before", "days_after", "percent", "points_multiplier"]
            case .percentOff: ["skus", "categories", "percent"]
            case .amountOff: ["skus", "categories", "amount"]
            case .fixedPrice: ["skus", "categories", "price"]
            case .nForM: ["skus", "categories", "buy", "pay"]
            case .basketThreshold: ["spend", "percent", "amount"]
            case .firstPurchase: ["percent", "amount"]
            case .winBack: ["inactive_days", "percent", "amount"]
            }
        }

        /// Rules about the customer rather than the goods: they need a loyalty card to apply.
        var isCustomerRule: Bool {
            switch self {
            case .tiers, .points, .regularCustomer, .birthday, .firstPurchase, .winBack: true
            case .percentOff, .amountOff, .fixedPrice, .nForM, .basketThreshold: false
            }
        }
    }

    /// Most a rule's priority may be raised or lowered.
    static let priorityRange: ClosedRange<Int64> = -1_000...1_000
}

extension RuleSetParser.DocumentReader {
    typealias Location = RuleSetParser.Location
    typealias Mapping = RuleSetParser.Mapping

    /// One rule: the common fields, then those of its kind.
    mutating func rule(_ node: Node, at location: Location) throws(RuleSetError) -> Rule {
        var mapping = try Mapping(node, at: location.rule("rule at \(location.path)"),
                                  what: "a mapping with at least id and kind")
        // A missing id or kind is likeliest a typo of it; the unknown key then says which.
        if !mapping.has("id") { try mapping.rejectUnknownKeys(known: RuleSetParser.KindName.allKeys) }
        let (idNode, idLocation) = try mapping.required("id")
        let id = try RuleSetParser.identifier(idNode, at: idLocation)
        mapping.location = location.rule("rule '\(id)' (\(location.path))")
        try claim(id, at: mapping.location.key("id"), owner: location.path)

        if !mapping.has("kind") { try mapping.rejectUnknownKeys(known: RuleSetParser.KindName.allKeys) }
        let (kindNode, kindLocation) = try mapping.required("kind")
        let kindText = try RuleSetParser.text(kindNode, at: kindLocation)
        guard let kindName = RuleSetParser.KindName(rawValue: kindText) else {
            let kinds = RuleSetParser.KindName.allCases.map(\.rawValue).joined(separator: ", ")
            let hint = RuleSetParser.nearest(to: kindText, among: RuleSetParser.KindName.allCases.map(\.rawValue))
            throw kindLocation.error("must be one of \(kinds), got '\(RuleSetParser.excerpt(kindText))'"
                                     + (hint.map { " (did you mean '\($0)'?)" } ?? ""))
        }
        try mapping.rejectUnknownKeys(known: RuleSetParser.KindName.commonKeys + kindName.keys)

        var rule = Rule(id: id, name: id, kind: try kind(kindName, of: mapping))
        try readCommonFields(of: mapping, kindName: kindName, into: &rule)
        return rule
    }

    /// Name, validity, stores, priority and the stacking and membership flags.
    mutating func readCommonFields(of mapping: Mapping, kindName: RuleSetParser.KindName,
                                   into rule: inout Rule) throws(RuleSetError) {
        if let (node, location) = mapping.optional("name") {
            rule.name = try RuleSetParser.name(node, at: location)
        }
        if let (node, location) = mapping.optional("valid_from") {
            rule.validFrom = try RuleSetParser.date(node, at: location)
        }
        if let (node, location) = mapping.optional("valid_to") {
            let validTo = try RuleSetParser.date(node, at: location)
            if let validFrom = rule.validFrom, validTo < validFrom {
                throw location.error("\(validTo) is before valid_from \(validFrom); the rule would never apply")
            }
            rule.validTo = validTo
        }
        if let (node, location) = mapping.optional("stores") {
            rule.stores = try codes(node, at: location, read: RuleSetParser.code)
        }
        if let (node, location) = mapping.optional("priority") {
            rule.priority = Int(try RuleSetParser.integer(node, at: location, in: RuleSetParser.priorityRange))
        }
        if let (node, location) = mapping.optional("stackable") {
            rule.stackable = try RuleSetParser.bool(node, at: location)
        }
        if let (node, location) = mapping.optional("members_only") {
            rule.membersOnly = try RuleSetParser.bool(node, at: location)
            // Writing false on a customer rule asks for something the till cannot do (it knows
            // no birthday or spend without a card); say so instead of quietly ignoring it.
            if kindName.isCustomerRule, !rule.membersOnly {
                throw location.error("cannot be false for a \(kindName.rawValue) rule: it needs a loyalty card to "
                                     + "know the customer; remove members_only")
            }
        }
        if kindName.isCustomerRule { rule.membersOnly = true }
    }

    /// The kind's own fields.
    mutating func kind(_ name: RuleSetParser.KindName, of mapping: Mapping) throws(RuleSetError) -> Rule.Kind {
        switch name {
        case .tiers: return .tiers(try tierLadder(mapping))
        case .points: return .points(try pointsProgramme(mapping))
        case .regularCustomer:
            let visits = try RuleSetParser.integer(mapping.required("visits"), in: 1...1_000, unit: "visits")
            let days = try RuleSetParser.integer(mapping.required("days"), in: RuleSetParser.daysRange, unit: "days")
            let percent = try RuleSetParser.percent(mapping.required("percent"), lower: .positive)
            return .regularCustomer(visits: Int32(visits), days: Int32(days), percentBasisPoints: percent)
        case .birthday: return try birthday(mapping)
        case .percentOff:
            let percent = try RuleSetParser.percent(mapping.required("percent"), lower: .positive)
            return .percentOff(try target(mapping), percentBasisPoints: percent)
        case .amountOff:
            let amount = try RuleSetParser.money(mapping.required("amount"), lower: .positive)
            return .amountOff(try target(mapping), amount: amount)
        case .fixedPrice:
            let price = try RuleSetParser.money(mapping.required("price"), lower: .zero)
            return .fixedPrice(try target(mapping), price: price)
        case .nForM: return try nForM(mapping)
        case .basketThreshold:
            let spend = try RuleSetParser.money(mapping.required("spend"), lower: .positive)
            return .basketThreshold(spend: spend, benefit: try basketBenefit(mapping))
        case .firstPurchase: return .firstPurchase(try basketBenefit(mapping))
        case .winBack:
            let days = try RuleSetParser.integer(mapping.required("inactive_days"), in: RuleSetParser.daysRange,
                                                 unit: "days")
            return .winBack(inactiveDays: Int32(days), benefit: try basketBenefit(mapping))
        }
    }
}
