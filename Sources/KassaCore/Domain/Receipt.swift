/// One line of a closed receipt as the till sends it.
public struct ReceiptLine: Hashable, Sendable {
    /// What was sold.
    public var sku: SKU
    /// How much (pieces, or kilograms for weighed goods).
    public var qty: Quantity
    /// Shelf price per unit, in minor units.
    public var price: Int64
    /// The category, when the till knows it; otherwise the catalog's is used.
    public var category: String?

    /// A line.
    public init(sku: SKU, qty: Quantity, price: Int64, category: String? = nil) {
        self.sku = sku
        self.qty = qty
        self.price = price
        self.category = category
    }
}

/// A closed receipt posted by a till: the command behind `POST /v1/sales`.
public struct Receipt: Hashable, Sendable {
    /// The till's id for the receipt; retries carry the same id.
    public var id: String
    /// Store code.
    public var store: String
    /// Terminal (till) code; shifts are kept per terminal.
    public var terminal: String
    /// Cashier code.
    public var cashier: String
    /// When the receipt was closed, on the till's clock.
    public var at: Timestamp
    /// The loyalty card presented, if any.
    public var customer: CardNumber?
    /// What was sold.
    public var lines: [ReceiptLine]
    /// How it was paid; empty when the till does not report payments.
    public var payments: [Payment]

    /// A receipt.
    public init(id: String, store: String, terminal: String, cashier: String, at: Timestamp,
                customer: CardNumber?, lines: [ReceiptLine], payments: [Payment]) {
        self.id = id
        self.store = store
        self.terminal = terminal
        self.cashier = cashier
        self.at = at
        self.customer = customer
        self.lines = lines
        self.payments = payments
    }
}
