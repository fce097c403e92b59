import Yams

extension RuleSetParser {
    /// Reads one document, keeping what must be checked across rules: unique ids, at most one
    /// tiers and one points rule, and the tiers that points earning names.
    struct DocumentReader {
        /// The keys a document may have.
        static let documentKeys = ["programme", "stacking", "exclusions", "floors", "rules"]

        /// List and map entries the rest of the document may still have.
        var entriesLeft = RuleSetParser.documentEntriesMax
        /// Rule and tier level ids read so far, each with the path that defined it.
        var idPaths: [String: String] = [:]
        /// The tiers rule's path and its level ids, once read.
        var tiers: (path: String, levelIDs: [String])?
        /// The points rule's path, once read.
        var pointsPath: String?
        /// Tier ids that `earn_points_by_tier` names; checked after the last rule, since the tiers
        /// rule may come after the points rule.
        var tierReferences: [(id: String, location: Location)] = []

        /// The whole rule set.
        mutating func ruleSet(_ root: Node) throws(RuleSetError) -> RuleSet {
            let document = try Mapping(root, at: .root, what: "a mapping with the keys "
                                       + Self.documentKeys.joined(separator: ", "))
            try document.rejectUnknownKeys(known: Self.documentKeys)
            var result = RuleSet()
            if let (node, location) = document.optional("programme") {
                result.programme = try RuleSetParser.name(node, at: location, emptyAllowed: true)
            }
            if let (node, location) = document.optional("stacking") {
                result.stacking = try stacking(node, at: location)
            }
            if let (node, location) = document.optional("exclusions") {
                result.exclusions = try exclusions(node, at: location)
            }
            if let (node, location) = document.optional("floors") {
                result.floors = try floors(node, at: location)
            }
            let (rulesNode, rulesLocation) = try document.required("rules")
            let ruleNodes = try list(rulesNode, at: rulesLocation, max: RuleSetParser.rulesMax, noun: "rules")
            for (index, node) in ruleNodes.enumerated() {
                result.rules.append(try rule(node, at: rulesLocation.index(index)))
            }
            try checkTierReferences()
            return result
        }

        /// `stacking: {policy, cap_percent}`.
        func stacking(_ node: Node, at location: Location) throws(RuleSetError) -> Stacking {
            let mapping = try Mapping(node, at: location, what: "a mapping with policy and cap_percent")
            try mapping.rejectUnknownKeys(known: ["policy", "cap_percent"])
            var stacking = Stacking()
            if let (node, location) = mapping.optional("policy") {
                let text = try RuleSetParser.text(node, at: location)
                guard let policy = Stacking.Policy(rawValue: text) else {
                    throw location.error("must be 'best' or 'additive', got '\(RuleSetParser.excerpt(text))'")
                }
                stacking.policy = policy
            }
            if let (node, location) = mapping.optional("cap_percent") {
                stacking.capBasisPoints = try RuleSetParser.percent(node, at: location, lower: .positive)
            }
            return stacking
        }

        /// `exclusions: {skus, categories}`.
        mutating func exclusions(_ node: Node, at location: Location) throws(RuleSetError) -> Exclusions {
            let mapping = try Mapping(node, at: location, what: "a mapping with skus and categories")
            try mapping.rejectUnknownKeys(known: ["skus", "categories"])
            var exclusions = Exclusions()
            if let (node, location) = mapping.optional("skus") {
                exclusions.skus = try codes(node, at: location, read: RuleSetParser.sku)
            }
            if let (node, location) = mapping.optional("categories") {
                exclusions.categories = try codes(node, at: location, read: RuleSetParser.code)
            }
            return exclusions
        }

        /// `floors: [{sku, price}]`, one per SKU.
        mutating func floors(_ node: Node, at location: Location) throws(RuleSetError) -> [Floor] {
            var floors: [Floor] = []
            var indexBySKU: [String: Int] = [:]
            for (index, entry) in try list(node, at: location).enumerated() {
                let here = location.index(index)
                let mapping = try Mapping(entry, at: here, what: "a mapping with sku and price")
                try mapping.rejectUnknownKeys(known: ["sku", "price"])
                let (skuNode, skuLocation) = try mapping.required("sku")
                let sku = try RuleSetParser.sku(skuNode, at: skuLocation)
                if let earlier = indexBySKU.updateValue(index, forKey: sku) {
                    throw skuLocation.error("'\(sku)' already has a floor at \(location.index(earlier).path); keep one")
                }
                let (priceNode, priceLocation) = try mapping.required("price")
                floors.append(Floor(sku: sku, price: try RuleSetParser.money(priceNode, at: priceLocation, lower: .zero)))
            }
            return floors
        }

        /// A list's entries, within `max` and the document's budget.
        mutating func list(_ node: Node, at location: Location, max: Int = RuleSetParser.listEntriesMax,
                           noun: String = "entries") throws(RuleSetError) -> [Node] {
            guard case .sequence(let sequence) = node else {
                throw location.error("must be a list, got \(RuleSetParser.shown(node))")
            }
            guard sequence.count <= max else {
                throw location.error("has \(sequence.count) \(noun); at most \(max) are allowed")
            }
            try charge(sequence.count, at: location)
            return Array(sequence)
        }

        /// Counts `count` entries against the document's budget.
        mutating func charge(_ count: Int, at location: Location) throws(RuleSetError) {
            guard count <= entriesLeft else {
                throw location.error("takes the document past \(RuleSetParser.documentEntriesMax) list entries in "
                                     + "all (each use of a YAML alias counts again); shorten the lists")
            }
            entriesLeft -= count
        }

        /// A list of codes read by `read`, each listed once.
        mutating func codes(_ node: Node, at location: Location,
                            read: (Node, Location) throws(RuleSetError) -> String) throws(RuleSetError) -> [String] {
            var codes: [String] = []
            var indexByCode: [String: Int] = [:]
            for (index, entry) in try list(node, at: location).enumerated() {
                let code = try read(entry, location.index(index))
                if let earlier = indexByCode.updateValue(index, forKey: code) {
                    throw location.index(index).error("'\(RuleSetParser.excerpt(code))' is listed twice "
                                                      + "(also at \(location.index(earlier).relative)); keep one")
                }
                codes.append(code)
            }
            return codes
        }

        /// Claims `id` for the rule or tier level at `location`, refusing one already taken.
        mutating func claim(_ id: String, at location: Location, owner: String) throws(RuleSetError) {
            if let earlier = idPaths.updateValue(owner, forKey: id) {
                throw location.error("'\(id)' is already the id of \(earlier); ids must be unique across rules "
                                     + "and tier levels")
            }
        }

        /// Every tier `earn_points_by_tier` names must be a level of the tiers rule.
        func checkTierReferences() throws(RuleSetError) {
            for (id, location) in tierReferences {
                guard let tiers else {
                    throw location.error("names tier '\(id)', but the rule set has no tiers rule; add one or "
                                         + "remove earn_points_by_tier")
                }
                guard tiers.levelIDs.contains(id) else {
                    throw location.error("names tier '\(RuleSetParser.excerpt(id))', which is not a level of the tiers "
                                         + "rule \(tiers.path); its levels are \(tiers.levelIDs.joined(separator: ", "))")
                }
            }
        }
    }
}
