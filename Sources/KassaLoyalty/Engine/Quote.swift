import KassaCore

/// A basket priced for a customer, with the reasons: what `POST /v1/quotes` answers and what a
/// sale on the same state records.
public struct Quote: Sendable {
    /// Lines with their discounts and rule ids, points earned and spent, tier after the sale.
    public var priced: PricedSale
    /// Each rule that gave something, in the order of the rule set's priorities.
    public var applied: [AppliedRule]
    /// What the customer is close to.
    public var nearMisses: [NearMiss]
    /// The customer's standing before the sale (nil without a card).
    public var standing: CustomerStanding?
    /// Most points the receipt may be paid with (the cap and the balance both bound it).
    public var pointsRedeemableMax: Int64

    /// A quote.
    public init(priced: PricedSale, applied: [AppliedRule], nearMisses: [NearMiss], standing: CustomerStanding?,
                pointsRedeemableMax: Int64) {
        self.priced = priced
        self.applied = applied
        self.nearMisses = nearMisses
        self.standing = standing
        self.pointsRedeemableMax = pointsRedeemableMax
    }
}

/// A rule that gave a discount or points on a quote.
public struct AppliedRule: Hashable, Sendable {
    /// Index of the rule in the rule set.
    public var rule: Int
    /// The tier level, for the tiers rule.
    public var level: Int?
    /// Discount it gave over the whole basket, in minor units.
    public var discount: Int64
    /// Points it added (the points rule: what was earned; a birthday multiplier: the extra).
    public var points: Int64
}

/// Something the customer nearly qualifies for.
public enum NearMiss: Hashable, Sendable {
    /// `missing` minor units more spend over the tier window reach tier `level` of the tiers rule.
    case tier(rule: Int, level: Int, missing: Int64)
    /// `visits` more visits within the rule's days make the customer a regular.
    case regularCustomer(rule: Int, visits: Int32)
    /// The birthday offer starts in `days` days.
    case birthday(rule: Int, days: Int32)
    /// `missing` minor units more of discountable goods reach the basket threshold.
    case basketThreshold(rule: Int, missing: Int64)
    /// `units` more units of the targeted goods complete an N-for-M set.
    case nForM(rule: Int, units: Int64)
}

/// Where a customer stands with the programme on a day, before the basket.
public struct CustomerStanding: Hashable, Sendable {
    /// Spend over the tier window (0 without a tiers rule).
    public var tierSpend: Int64
    /// Index of the tier level held, when the rule set has tiers.
    public var tierLevel: Int?
    /// Visits over the regular-customer rule's days (0 without that rule).
    public var recentVisits: Int32
    /// Points that can be spent today (0 when the balance has expired).
    public var points: Int64
    /// Points of the balance that have expired (written off by the next sale).
    public var pointsExpired: Int64
    /// Days from today to the birthday's nearest occurrence (negative: it was that many days ago).
    public var birthdayInDays: Int32?
    /// No purchase yet.
    public var firstPurchase: Bool
    /// Days since the last purchase (nil: none yet).
    public var daysSinceLastVisit: Int32?
}
