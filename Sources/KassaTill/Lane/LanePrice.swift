/// A basket priced for payment: by the server's quote while it answers, by the lane's cached
/// catalog and rules (without the customer's standing) while it does not.
public struct LanePrice: Hashable, Sendable {
    /// Per basket line: the discount and the ids of the rules that gave it.
    public struct Line: Hashable, Sendable {
        public var discount: Int64
        public var rules: [String]
    }

    public var lines: [Line]
    public var subtotal: Int64
    public var discount: Int64
    public var total: Int64
    /// Points the sale earns (the server's figure online; unknown offline).
    public var pointsEarned: Int64?
    /// The card's balance after the sale, when the server told.
    public var pointsBalanceAfter: Int64?
    /// Most points the receipt may be paid with (0 offline).
    public var pointsRedeemableMax: Int64
    /// What one point pays, in minor units.
    public var pointValue: Int64
    /// The rules version that priced it.
    public var rulesVersion: UInt32
    /// Priced without the server.
    public var offline: Bool
}

/// A payment taken at the lane.
public struct LanePayment: Hashable, Sendable, Codable {
    public var method: CashierAction.PaymentMethod
    /// Minor units (for points: what the points pay for).
    public var amount: Int64
}
