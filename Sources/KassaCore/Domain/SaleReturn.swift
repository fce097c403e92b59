/// One returned line: what and how much of an earlier sale comes back.
public struct ReturnLine: Hashable, Sendable {
    /// The SKU as it was sold.
    public var sku: SKU
    /// How much comes back.
    public var qty: Quantity

    /// A returned line.
    public init(sku: SKU, qty: Quantity) {
        self.sku = sku
        self.qty = qty
    }
}

/// A return of lines of an earlier sale: the command behind `POST /v1/returns`.
public struct SaleReturn: Hashable, Sendable {
    /// The return's own id; retries carry the same id.
    public var id: String
    /// The id of the sale the goods were bought on.
    public var sale: String
    /// Store code where the goods came back.
    public var store: String
    /// Terminal that took the return (its shift counts it).
    public var terminal: String
    /// Cashier code.
    public var cashier: String
    /// When, on the till's clock.
    public var at: Timestamp
    /// The lines coming back.
    public var lines: [ReturnLine]

    /// A return.
    public init(id: String, sale: String, store: String, terminal: String, cashier: String,
                at: Timestamp, lines: [ReturnLine]) {
        self.id = id
        self.sale = sale
        self.store = store
        self.terminal = terminal
        self.cashier = cashier
        self.at = at
        self.lines = lines
    }
}

/// The cancellation of a whole earlier sale: the command behind `POST /v1/voids`.
public struct SaleVoid: Hashable, Sendable {
    /// The void's own id; retries carry the same id.
    public var id: String
    /// The id of the sale to cancel.
    public var sale: String
    /// Terminal that voided it (its shift counts it).
    public var terminal: String
    /// Cashier code.
    public var cashier: String
    /// When, on the till's clock.
    public var at: Timestamp
    /// Why, in the cashier's words (optional, bounded).
    public var reason: String

    /// A void.
    public init(id: String, sale: String, terminal: String, cashier: String, at: Timestamp, reason: String = "") {
        self.id = id
        self.sale = sale
        self.terminal = terminal
        self.cashier = cashier
        self.at = at
        self.reason = reason
    }
}
