import KassaCore

/// A rule set compiled for pricing: the rules indexed by the SKUs and categories they target,
/// so that pricing a line looks only at the rules that can apply to it.
///
/// Immutable once built and shared by the writer and every quote.
public final class PricingProgram: Sendable {
    /// What the SKU or category of a line brings to pricing.
    struct Facts: Sendable {
        /// Where its targeted line rules (percent_off, amount_off, fixed_price, n_for_m) lie in
        /// `targetRules`: a range, so that pricing a line copies no array.
        var rules: Range<Int>
        /// No rule may discount it.
        var excluded: Bool
        /// Lowest unit price after discounts (SKUs only).
        var floor: Int64?
        /// Some of its rules are N-for-M sets.
        var inSets: Bool
    }

    /// What a targeted rule offers a line, without the rule's lists of SKUs and categories.
    enum LineOffer: Sendable {
        case percent(Int64)
        case amountOff(Int64)
        case fixedPrice(Int64)
        /// Priced on the whole basket (N-for-M) or not a targeted rule.
        case none
    }

    /// The rules each SKU and category table entry names, one after another.
    let targetRules: [Int]
    /// Per rule: what it offers a line it targets.
    let lineOffers: [LineOffer]

    /// The rules.
    public let ruleSet: RuleSet
    /// The version of the document they came from.
    public let version: UInt32
    let skuFacts: CodeTable<Facts>
    let categoryFacts: CodeTable<Facts>
    /// Rules on the customer (regular customer, birthday), by index.
    let customerRules: [Int]
    /// Rules on the basket (threshold, first purchase, win-back), by index.
    let basketRules: [Int]
    /// N-for-M rules, by index.
    let setRules: [Int]
    let tiersRule: Int?
    let pointsRule: Int?
    /// `[id]` per rule, and `["tier-" + level id]` per tier level: the rule ids lines carry. A
    /// line discounted by one rule shares its array instead of allocating one.
    let ruleIDs: [[String]]
    let levelIDs: [[String]]
    /// Per rule, read on every line: its place in rank order (`ranks(_:before:)`), whether it
    /// stacks, whether it is N-for-M.
    let rankPositions: [Int]
    /// The rules in rank order.
    let rankOrder: [Int]
    let stackables: [Bool]
    let isSetRule: [Bool]
    /// Line ids for two rules in a row, by `first × keyCount + second` where a key is a rule
    /// index or `rules.count` plus a tier level: most stacked lines carry two rules, and sharing
    /// the array saves an allocation a line. Empty (built on demand) for large rule sets.
    let pairIDs: [[String]]
    /// The id of each key (a rule's, then `tier-` and a level's): longer stacks are built from
    /// these strings rather than from the one-id arrays, whose counts would be raised and
    /// lowered for each id.
    let keyIDs: [String]
    let keyCount: Int
    /// Most targeted rules one line can meet: the longest SKU entry plus the longest category
    /// entry (bounds a line's candidates).
    let lineTargetsMax: Int
    /// Most N-for-M entries one line can meet, counted the same way (bounds a basket's set
    /// members).
    let lineSetTargetsMax: Int
    /// Per rule, what decides whether it applies to a receipt: first and last local day in
    /// force (inclusive), members only, the stores it is limited to (empty: all). Read on
    /// every quote without copying the rules.
    let validFrom: [Int32]
    let validTo: [Int32]
    let membersOnly: [Bool]
    let storeLists: [[String]]
    /// The tiers rule's ladder and the points rule's programme, taken out of the rules once.
    let compiledLadder: TierLadder?
    let compiledPoints: PointsProgramme?
    /// The reasons that do not depend on the customer, by rule (`fixedReasons(_:)`).
    let fixedReasons: [Reason?]
    /// The points rule's reason without a tier, then per tier level (`pointsReasons(_:pointsRule:ladder:)`).
    let pointsReasons: [Reason]
    /// The points rule's earn rate without a tier, then per tier level (`earnRates(_:ladder:)`).
    let earnRates: [Int64]
    /// Which rules apply to a member and to a guest, when no rule is limited in days or stores
    /// (nil otherwise): most programmes, whose quotes then share one array instead of making one.
    let activeForMembers: [Bool]?
    let activeForGuests: [Bool]?

    /// Compiles `ruleSet`, the document of rules version `version`.
    public init(_ ruleSet: RuleSet, version: UInt32) {
        self.ruleSet = ruleSet
        self.version = version
        var bySKU: [String: (rules: [Int], excluded: Bool, floor: Int64?)] = [:]
        var byCategory: [String: (rules: [Int], excluded: Bool, floor: Int64?)] = [:]
        let empty: (rules: [Int], excluded: Bool, floor: Int64?) = ([], false, nil)
        var customerRules: [Int] = [], basketRules: [Int] = [], setRules: [Int] = []
        var tiersRule: Int?, pointsRule: Int?
        var levelIDs: [[String]] = []
        for (index, rule) in ruleSet.rules.enumerated() {
            switch rule.kind {
            case .tiers(let ladder):
                tiersRule = index
                levelIDs = ladder.levels.map { ["tier-\($0.id)"] }
            case .points: pointsRule = index
            case .regularCustomer, .birthday: customerRules.append(index)
            case .basketThreshold, .firstPurchase, .winBack: basketRules.append(index)
            case .percentOff(let target, _), .amountOff(let target, _), .fixedPrice(let target, _), .nForM(let target, _, _):
                if case .nForM = rule.kind { setRules.append(index) }
                for sku in target.skus { bySKU[sku, default: empty].rules.append(index) }
                for category in target.categories { byCategory[category, default: empty].rules.append(index) }
            }
        }
        for sku in ruleSet.exclusions.skus { bySKU[sku, default: empty].excluded = true }
        for category in ruleSet.exclusions.categories { byCategory[category, default: empty].excluded = true }
        for floor in ruleSet.floors { bySKU[floor.sku, default: empty].floor = floor.price }
        var targetRules: [Int] = []
        func flatten(_ entries: [String: (rules: [Int], excluded: Bool, floor: Int64?)]) -> [(String, Facts)] {
            entries.sorted { $0.key < $1.key }.map { key, value in
                let start = targetRules.count
                targetRules += value.rules
                return (key, Facts(rules: start..<targetRules.count, excluded: value.excluded, floor: value.floor,
                                   inSets: value.rules.contains { setRules.contains($0) }))
            }
        }
        skuFacts = CodeTable(flatten(bySKU))
        categoryFacts = CodeTable(flatten(byCategory))
        if let tiersRule, case .tiers(let ladder) = ruleSet.rules[tiersRule].kind { compiledLadder = ladder } else { compiledLadder = nil }
        if let pointsRule, case .points(let programme) = ruleSet.rules[pointsRule].kind { compiledPoints = programme } else { compiledPoints = nil }
        validFrom = ruleSet.rules.map { $0.validFrom?.daysSinceEpoch ?? Int32.min }
        validTo = ruleSet.rules.map { $0.validTo?.daysSinceEpoch ?? Int32.max }
        membersOnly = ruleSet.rules.map(\.membersOnly)
        storeLists = ruleSet.rules.map(\.stores)
        lineTargetsMax = (bySKU.values.map(\.rules.count).max() ?? 0) + (byCategory.values.map(\.rules.count).max() ?? 0)
        let setCount = { (rules: [Int]) in rules.count { setRules.contains($0) } }
        lineSetTargetsMax = (bySKU.values.map { setCount($0.rules) }.max() ?? 0) + (byCategory.values.map { setCount($0.rules) }.max() ?? 0)
        self.targetRules = targetRules
        lineOffers = ruleSet.rules.map { rule in
            switch rule.kind {
            case .percentOff(_, let basisPoints): .percent(basisPoints)
            case .amountOff(_, let amount): .amountOff(amount)
            case .fixedPrice(_, let price): .fixedPrice(price)
            default: .none
            }
        }
        self.customerRules = customerRules
        self.basketRules = basketRules
        self.setRules = setRules
        self.tiersRule = tiersRule
        self.pointsRule = pointsRule
        self.ruleIDs = ruleSet.rules.map { [$0.id] }
        self.levelIDs = levelIDs
        // Rank order once, so that comparing two rules on a line is one comparison.
        let byRank = ruleSet.rules.indices.sorted { a, b in
            ruleSet.rules[a].priority != ruleSet.rules[b].priority ? ruleSet.rules[a].priority > ruleSet.rules[b].priority : a < b
        }
        var rankPositions = [Int](repeating: 0, count: ruleSet.rules.count)
        for (position, rule) in byRank.enumerated() { rankPositions[rule] = position }
        self.rankPositions = rankPositions
        rankOrder = byRank
        stackables = ruleSet.rules.map(\.stackable)
        isSetRule = ruleSet.rules.indices.map { setRules.contains($0) }
        let single = ruleSet.rules.map(\.id) + levelIDs.map { $0[0] }
        keyIDs = single
        keyCount = single.count
        var pairs: [[String]] = []
        if keyCount <= PricingProgram.pairTableKeysMax {
            pairs.reserveCapacity(keyCount * keyCount)
            for first in 0..<keyCount {
                for second in 0..<keyCount { pairs.append(first == second ? [] : [single[first], single[second]]) }
            }
        }
        pairIDs = pairs
        fixedReasons = PricingProgram.fixedReasons(ruleSet)
        pointsReasons = PricingProgram.pointsReasons(ruleSet, pointsRule: pointsRule, ladder: compiledLadder)
        if case .points(let programme)? = pointsRule.map({ ruleSet.rules[$0].kind }) {
            earnRates = PricingProgram.earnRates(programme, ladder: compiledLadder)
        } else {
            earnRates = []
        }
        let unlimited = ruleSet.rules.allSatisfy { $0.validFrom == nil && $0.validTo == nil && $0.stores.isEmpty }
        activeForMembers = unlimited ? ruleSet.rules.map { _ in true } : nil
        activeForGuests = unlimited ? ruleSet.rules.map { !$0.membersOnly } : nil
    }

    /// Beyond this many rules and tier levels the pair table is not built (it grows as the square).
    static let pairTableKeysMax = 128

    /// The key of a candidate in `pairIDs`: its rule, or its tier level after every rule.
    @inline(__always)
    func key(rule: Int, level: Int) -> Int { level >= 0 ? ruleSet.rules.count + level : rule }

    /// The line id of a key.
    @inline(__always)
    func lineIDs(key: Int) -> [String] { key < ruleIDs.count ? ruleIDs[key] : levelIDs[key - ruleIDs.count] }

    /// Whether rule `index` applies to a receipt of `store` on local day `today`.
    func isActive(_ index: Int, store: String, today: Int32, member: Bool) -> Bool {
        guard isInForce(index, on: today) else { return false }
        if membersOnly[index] && !member { return false }
        return storeLists[index].isEmpty || storeLists[index].contains(store)
    }

    /// Whether local day `today` lies within rule `index`'s validity dates.
    func isInForce(_ index: Int, on today: Int32) -> Bool {
        today >= validFrom[index] && today <= validTo[index]
    }

    /// Whether rule `a` goes before rule `b`: the higher priority, then the one written first.
    /// It breaks ties between discounts and orders reasons and offers.
    @inline(__always)
    func ranks(_ a: Int, before b: Int) -> Bool {
        rankPositions[a] < rankPositions[b]
    }

    /// The tier ladder of the rule set, whatever the day.
    var tierLadder: TierLadder? { compiledLadder }

    /// The tier ladder, when the tiers rule is active.
    func ladder(_ active: [Bool]) -> TierLadder? {
        guard let index = tiersRule, active[index] else { return nil }
        return tierLadder
    }

    /// The id of tier `level` (what the customer's `tier` says).
    public func tierID(level: Int) -> String? { tierLadder?.levels[level].id }

    /// Points per `earnEvery` for a customer at tier `level` (nil: no tier).
    func earnRate(_ programme: PointsProgramme, tierLevel level: Int?) -> Int64 {
        guard let level, let id = tierID(level: level) else { return programme.earnPoints }
        return programme.earnPointsByTier[id] ?? programme.earnPoints
    }

    /// `earnRate` of the points rule's programme, read from the table made when compiling
    /// rather than by looking the tier's id up in the programme's dictionary on every quote.
    func pointsEarnRate(tierLevel level: Int?) -> Int64 {
        let held = level.map { $0 + 1 } ?? 0
        if held < earnRates.count { return earnRates[held] }
        return compiledPoints.map { earnRate($0, tierLevel: level) } ?? 0
    }

    /// Points per `earnEvery` of `programme` without a tier, then at each level of `ladder`.
    static func earnRates(_ programme: PointsProgramme, ladder: TierLadder?) -> [Int64] {
        [programme.earnPoints] + (ladder?.levels ?? []).map { programme.earnPointsByTier[$0.id] ?? programme.earnPoints }
    }

    /// The points programme, when the points rule is active.
    func points(_ active: [Bool]) -> PointsProgramme? {
        guard let index = pointsRule, active[index] else { return nil }
        return compiledPoints
    }

    /// Index of the highest level of `ladder` that `spend` reaches.
    static func level(of spend: Int64, in ladder: TierLadder) -> Int {
        var held = 0
        for (index, level) in ladder.levels.enumerated() where spend >= level.from { held = index }
        return held
    }
}
