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
    /// The discounts the lane gave while the server was away, or nil for a receipt the server
    /// prices (see `LanePricing`).
    public var lanePricing: LanePricing?

    /// A receipt.
    public init(id: String, store: String, terminal: String, cashier: String, at: Timestamp,
                customer: CardNumber?, lines: [ReceiptLine], payments: [Payment], lanePricing: LanePricing? = nil) {
        self.id = id
        self.store = store
        self.terminal = terminal
        self.cashier = cashier
        self.at = at
        self.customer = customer
        self.lines = lines
        self.payments = payments
        self.lanePricing = lanePricing
    }
}

/// The discounts a lane gave a receipt it sold while the server was unreachable, priced with
/// its cached catalog and rules. The customer has paid that price, so the server records it as
/// given instead of pricing the receipt again (a tier or a birthday the lane could not know of
/// would otherwise change the total after the money was taken). Points are earned as the
/// server's rules give them for the basket; a lane takes no points payment while offline.
public struct LanePricing: Hashable, Sendable {
    /// One entry per receipt line, in order.
    public struct Line: Hashable, Sendable {
        /// The line's discount in minor units (0 ≤ discount ≤ the line's amount).
        public var discount: Int64
        /// The ids of the rules that gave it.
        public var rules: [String]

        /// A line's discount.
        public init(discount: Int64, rules: [String]) {
            self.discount = discount
            self.rules = rules
        }
    }

    /// The version of the rules the lane priced with.
    public var rulesVersion: UInt32
    /// The discount of every line.
    public var lines: [Line]

    /// The lane's pricing of a receipt.
    public init(rulesVersion: UInt32, lines: [Line]) {
        self.rulesVersion = rulesVersion
        self.lines = lines
    }
}
