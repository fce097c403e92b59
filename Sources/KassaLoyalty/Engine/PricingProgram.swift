import KassaCore

/// A rule set compiled for pricing: the rules indexed by the SKUs and categories they target,
/// so that pricing a line looks only at the rules that can apply to it.
///
/// Immutable once built and shared by the writer and every quote.
public final class PricingProgram: Sendable {
    /// What the SKU or category of a line brings to pricing.
    struct Facts: Sendable {
        /// Targeted line rules (percent_off, amount_off, fixed_price, n_for_m), by rule index.
        var rules: [Int] = []
        /// No rule may discount it.
        var excluded = false
        /// Lowest unit price after discounts (SKUs only).
        var floor: Int64?
    }

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

    /// Compiles `ruleSet`, the document of rules version `version`.
    public init(_ ruleSet: RuleSet, version: UInt32) {
        self.ruleSet = ruleSet
        self.version = version
        var bySKU: [String: Facts] = [:]
        var byCategory: [String: Facts] = [:]
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
                for sku in target.skus { bySKU[sku, default: Facts()].rules.append(index) }
                for category in target.categories { byCategory[category, default: Facts()].rules.append(index) }
            }
        }
        for sku in ruleSet.exclusions.skus { bySKU[sku, default: Facts()].excluded = true }
        for category in ruleSet.exclusions.categories { byCategory[category, default: Facts()].excluded = true }
        for floor in ruleSet.floors { bySKU[floor.sku, default: Facts()].floor = floor.price }
        skuFacts = CodeTable(bySKU.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        categoryFacts = CodeTable(byCategory.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        self.customerRules = customerRules
        self.basketRules = basketRules
        self.setRules = setRules
        self.tiersRule = tiersRule
        self.pointsRule = pointsRule
        self.ruleIDs = ruleSet.rules.map { [$0.id] }
        self.levelIDs = levelIDs
    }

    /// Whether rule `index` applies to a receipt of `store` on local day `today`.
    func isActive(_ index: Int, store: String, today: Int32, member: Bool) -> Bool {
        let rule = ruleSet.rules[index]
        if let from = rule.validFrom, today < from.daysSinceEpoch { return false }
        if let to = rule.validTo, today > to.daysSinceEpoch { return false }
        if rule.membersOnly && !member { return false }
        return rule.stores.isEmpty || rule.stores.contains(store)
    }

    /// The tier ladder, when the tiers rule is active.
    func ladder(_ active: [Bool]) -> TierLadder? {
        guard let index = tiersRule, active[index], case .tiers(let ladder) = ruleSet.rules[index].kind else { return nil }
        return ladder
    }

    /// The points programme, when the points rule is active.
    func points(_ active: [Bool]) -> PointsProgramme? {
        guard let index = pointsRule, active[index], case .points(let programme) = ruleSet.rules[index].kind else { return nil }
        return programme
    }

    /// Index of the highest level of `ladder` that `spend` reaches.
    static func level(of spend: Int64, in ladder: TierLadder) -> Int {
        var held = 0
        for (index, level) in ladder.levels.enumerated() where spend >= level.from { held = index }
        return held
    }
}
