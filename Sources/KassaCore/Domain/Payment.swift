/// How a receipt was paid.
public enum PaymentMethod: Hashable, Sendable, CustomStringConvertible {
    /// Cash at the till.
    case cash
    /// A bank card (the card terminal is outside Kassa).
    case card
    /// Loyalty points; spends the customer's balance.
    case points
    /// Anything else the store accepts (gift card, voucher), by its code.
    case other(String)

    /// Parses a method name; `other` codes follow the identifier rules.
    public init?(name: String) {
        switch name {
        case "cash": self = .cash
        case "card": self = .card
        case "points": self = .points
        default:
            guard Identifier.isValid(name), name.utf8.count <= 32 else { return nil }
            self = .other(name)
        }
    }

    /// The method's name as in the contract.
    public var description: String {
        switch self {
        case .cash: "cash"
        case .card: "card"
        case .points: "points"
        case .other(let name): name
        }
    }
}

/// One payment on a receipt.
public struct Payment: Hashable, Sendable {
    /// How.
    public var method: PaymentMethod
    /// How much, in minor units (for points: the money value of the points spent).
    public var amount: Int64

    /// A payment.
    public init(method: PaymentMethod, amount: Int64) {
        self.method = method
        self.amount = amount
    }
}
