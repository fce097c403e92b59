import KassaCore

/// A loyalty programme as the retailer writes it in `config/loyalty.yaml` or `PUT /v1/rules`:
/// the stacking policy, what may never be discounted, and the rules.
///
/// Amounts are integer minor units (kopecks), as everywhere in the API; percentages are basis
/// points (hundredths of a percent) so that `12.5 %` stays exact.
public struct RuleSet: Hashable, Sendable {
    /// The programme's name, printed on receipts and shown to staff.
    public var programme: String
    /// How discounts from several rules combine on one line.
    public var stacking: Stacking
    /// SKUs and categories no rule may ever discount (tobacco, where the law forbids it).
    public var exclusions: Exclusions
    /// Lowest unit price after discounts, per SKU.
    public var floors: [Floor]
    /// The rules, in the order written.
    public var rules: [Rule]

    /// A rule set.
    public init(programme: String = "", stacking: Stacking = Stacking(), exclusions: Exclusions = Exclusions(),
                floors: [Floor] = [], rules: [Rule] = []) {
        self.programme = programme
        self.stacking = stacking
        self.exclusions = exclusions
        self.floors = floors
        self.rules = rules
    }
}

/// How discounts combine on one line.
public struct Stacking: Hashable, Sendable {
    /// The global policy.
    public enum Policy: String, Hashable, Sendable {
        /// Each line gets the single largest discount any rule offers it.
        case best
        /// Rules marked `stackable` add up (to `capBasisPoints` of the line); the sum competes
        /// with the best single non-stackable rule, and the larger wins.
        case additive
    }

    /// The policy.
    public var policy: Policy
    /// Most a line may be discounted in all, in basis points of its amount (10000: no cap).
    public var capBasisPoints: Int64

    /// A stacking policy.
    public init(policy: Policy = .best, capBasisPoints: Int64 = 10_000) {
        self.policy = policy
        self.capBasisPoints = capBasisPoints
    }
}

/// What no rule may discount.
public struct Exclusions: Hashable, Sendable {
    /// SKU codes.
    public var skus: [String]
    /// Categories.
    public var categories: [String]

    /// Exclusions.
    public init(skus: [String] = [], categories: [String] = []) {
        self.skus = skus
        self.categories = categories
    }
}

/// The lowest price per unit (per kilogram for weighed goods) a SKU may sell at after discounts.
public struct Floor: Hashable, Sendable {
    /// The SKU code.
    public var sku: String
    /// Minor units per unit.
    public var price: Int64

    /// A floor.
    public init(sku: String, price: Int64) {
        self.sku = sku
        self.price = price
    }
}

/// The goods a promotion applies to: any line whose SKU or category is listed.
public struct Target: Hashable, Sendable {
    /// SKU codes.
    public var skus: [String]
    /// Categories.
    public var categories: [String]

    /// A target.
    public init(skus: [String] = [], categories: [String] = []) {
        self.skus = skus
        self.categories = categories
    }
}

/// A discount on a whole basket: a percentage of it, or an amount spread over its lines.
public enum BasketBenefit: Hashable, Sendable {
    /// Basis points off every discountable line.
    case percent(Int64)
    /// Minor units off the basket, spread over its discountable lines by their amounts.
    case amount(Int64)
}

/// What a birthday brings.
public enum BirthdayBenefit: Hashable, Sendable {
    /// Basis points off every discountable line.
    case percent(Int64)
    /// The points the sale earns are multiplied by this.
    case pointsMultiplier(Int64)
}

/// One tier of a tier ladder.
public struct TierLevel: Hashable, Sendable {
    /// The tier's id; it is also the rule id on the lines it discounts (`tier-silver`).
    public var id: String
    /// The name shown to customers.
    public var name: String
    /// Spend over the window (minor units) from which the tier holds.
    public var from: Int64
    /// Basis points off every discountable line.
    public var percentBasisPoints: Int64

    /// A tier.
    public init(id: String, name: String, from: Int64, percentBasisPoints: Int64) {
        self.id = id
        self.name = name
        self.from = from
        self.percentBasisPoints = percentBasisPoints
    }
}

/// Tiers by spend over a rolling window.
public struct TierLadder: Hashable, Sendable {
    /// Days of spend that count, ending today.
    public var windowDays: Int32
    /// Tiers by ascending `from`; the first starts at 0.
    public var levels: [TierLevel]

    /// A ladder.
    public init(windowDays: Int32, levels: [TierLevel]) {
        self.windowDays = windowDays
        self.levels = levels
    }
}

/// Earning and spending points.
public struct PointsProgramme: Hashable, Sendable {
    /// What one point pays for when redeemed, in minor units.
    public var pointValue: Int64
    /// Earning: `earnPoints` for every `earnEvery` minor units paid (not counting points paid).
    public var earnEvery: Int64
    /// Points per `earnEvery` for a customer without a tier listed in `earnPointsByTier`.
    public var earnPoints: Int64
    /// Points per `earnEvery` by tier id.
    public var earnPointsByTier: [String: Int64]
    /// Most of a receipt's total that points may pay, in basis points.
    public var redeemCapBasisPoints: Int64
    /// Days without a purchase after which the balance expires (nil: never).
    public var expiryDays: Int32?

    /// A points programme.
    public init(pointValue: Int64, earnEvery: Int64, earnPoints: Int64, earnPointsByTier: [String: Int64] = [:],
                redeemCapBasisPoints: Int64 = 10_000, expiryDays: Int32? = nil) {
        self.pointValue = pointValue
        self.earnEvery = earnEvery
        self.earnPoints = earnPoints
        self.earnPointsByTier = earnPointsByTier
        self.redeemCapBasisPoints = redeemCapBasisPoints
        self.expiryDays = expiryDays
    }
}

/// One rule of the programme.
public struct Rule: Hashable, Sendable {
    /// What the rule does.
    public enum Kind: Hashable, Sendable {
        /// Tiers by spend over a rolling window; the current tier's percentage applies.
        case tiers(TierLadder)
        /// Earning and redeeming points.
        case points(PointsProgramme)
        /// A percentage for customers with at least `visits` receipts in the last `days` days.
        case regularCustomer(visits: Int32, days: Int32, percentBasisPoints: Int64)
        /// A benefit within `daysBefore`…`daysAfter` days of the birthday.
        case birthday(daysBefore: Int32, daysAfter: Int32, benefit: BirthdayBenefit)
        /// Basis points off the targeted lines.
        case percentOff(Target, percentBasisPoints: Int64)
        /// Minor units off each unit (each kilogram) of the targeted lines.
        case amountOff(Target, amount: Int64)
        /// The targeted goods sell at this price per unit.
        case fixedPrice(Target, price: Int64)
        /// Of every `buy` units of the targeted goods, the cheapest `buy − pay` are free.
        case nForM(Target, buy: Int64, pay: Int64)
        /// A basket whose discountable goods reach `spend` at shelf prices gets `benefit`.
        case basketThreshold(spend: Int64, benefit: BasketBenefit)
        /// The first purchase after enrolment gets `benefit`.
        case firstPurchase(BasketBenefit)
        /// A customer with no purchase for `inactiveDays` days gets `benefit`.
        case winBack(inactiveDays: Int32, benefit: BasketBenefit)
    }

    /// Unique within the rule set; recorded on every line it discounts.
    public var id: String
    /// Shown to staff and printed on receipts.
    public var name: String
    /// First local day it applies (nil: always has).
    public var validFrom: LocalDate?
    /// Last local day it applies, inclusive (nil: open-ended).
    public var validTo: LocalDate?
    /// Stores it applies in (empty: every store).
    public var stores: [String]
    /// Higher wins ties and comes first in reasons.
    public var priority: Int
    /// May add to other stackable rules under the additive policy.
    public var stackable: Bool
    /// Only for receipts with a loyalty card (always true for customer rules).
    public var membersOnly: Bool
    /// What it does.
    public var kind: Kind

    /// A rule.
    public init(id: String, name: String, validFrom: LocalDate? = nil, validTo: LocalDate? = nil, stores: [String] = [],
                priority: Int = 0, stackable: Bool = false, membersOnly: Bool = false, kind: Kind) {
        self.id = id
        self.name = name
        self.validFrom = validFrom
        self.validTo = validTo
        self.stores = stores
        self.priority = priority
        self.stackable = stackable
        self.membersOnly = membersOnly
        self.kind = kind
    }

    /// The kind's name as written in rule files (`percent_off`).
    public var kindName: String {
        switch kind {
        case .tiers: "tiers"
        case .points: "points"
        case .regularCustomer: "regular_customer"
        case .birthday: "birthday"
        case .percentOff: "percent_off"
        case .amountOff: "amount_off"
        case .fixedPrice: "fixed_price"
        case .nForM: "n_for_m"
        case .basketThreshold: "basket_threshold"
        case .firstPurchase: "first_purchase"
        case .winBack: "win_back"
        }
    }
}
