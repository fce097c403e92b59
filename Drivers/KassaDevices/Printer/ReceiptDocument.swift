import KassaCore

/// Everything a printed receipt shows, as the lane knows it after a sale: already computed
/// amounts in minor units (kopecks), quantities in thousandths, text ready to print. The layout
/// only arranges it; it never adds up money.
public struct ReceiptDocument: Hashable, Sendable {
    /// The most item lines one receipt may have; a longer sale is split by the lane.
    public static let linesMax = 500

    /// One sold item.
    public struct Line: Hashable, Sendable {
        /// The product name as the catalog has it.
        public var name: String
        /// Pieces, or kilograms when `weighed`.
        public var quantity: Quantity
        /// Whether the quantity is a weight in kilograms (printed with three decimals).
        public var weighed: Bool
        /// Price of one piece or one kilogram, in minor units.
        public var unitPrice: Int64
        /// Quantity times price before discounts, in minor units.
        public var amount: Int64
        /// Discounts given on this line, each with the rule that gave it.
        public var discounts: [Discount]

        /// A line of the receipt.
        public init(name: String, quantity: Quantity, weighed: Bool = false, unitPrice: Int64, amount: Int64, discounts: [Discount] = []) {
            self.name = name
            self.quantity = quantity
            self.weighed = weighed
            self.unitPrice = unitPrice
            self.amount = amount
            self.discounts = discounts
        }
    }

    /// A discount on one line.
    public struct Discount: Hashable, Sendable {
        /// The loyalty rule's name, as the customer should read it.
        public var rule: String
        /// The amount taken off, in minor units (positive).
        public var amount: Int64

        /// A discount of `amount` by `rule`.
        public init(rule: String, amount: Int64) {
            self.rule = rule
            self.amount = amount
        }
    }

    /// One way the customer paid.
    public struct Payment: Hashable, Sendable {
        /// The method as printed ("Наличные", "Карта").
        public var method: String
        /// The amount paid this way, in minor units.
        public var amount: Int64

        /// A payment of `amount` by `method`.
        public init(method: String, amount: Int64) {
            self.method = method
            self.amount = amount
        }
    }

    /// The loyalty card on the sale and what it did.
    public struct Loyalty: Hashable, Sendable {
        /// The card number; only its last four digits are printed.
        public var cardNumber: String
        /// Whole points earned by this sale.
        public var pointsEarned: Int64
        /// Whole points spent on this sale.
        public var pointsSpent: Int64
        /// Whole points on the card after the sale.
        public var balance: Int64

        /// The loyalty part of a receipt.
        public init(cardNumber: String, pointsEarned: Int64, pointsSpent: Int64, balance: Int64) {
            self.cardNumber = cardNumber
            self.pointsEarned = pointsEarned
            self.pointsSpent = pointsSpent
            self.balance = balance
        }
    }

    /// The store's name, printed large at the top.
    public var storeName: String
    /// The store's address, one printed line each.
    public var addressLines: [String]
    /// The till's id.
    public var terminal: String
    /// The cashier's name, when someone is signed in.
    public var cashier: String?
    /// The receipt id, printed and put in the QR code.
    public var receiptId: String
    /// The time of the sale as the lane formats it for people.
    public var time: String
    /// The items.
    public var lines: [Line]
    /// Sum of the line amounts before discounts, in minor units.
    public var subtotal: Int64
    /// Sum of all discounts, in minor units (positive).
    public var totalDiscount: Int64
    /// What the customer pays, in minor units.
    public var total: Int64
    /// How the customer paid.
    public var payments: [Payment]
    /// Change given back, in minor units.
    public var change: Int64
    /// The loyalty card, when one was presented.
    public var loyalty: Loyalty?
    /// Lines printed at the end ("Спасибо за покупку!").
    public var footer: [String]
    /// Whether the sale was registered while the service could not be reached (the lane sends
    /// it later); the receipt says so.
    public var registeredOffline: Bool

    /// A receipt document.
    public init(
        storeName: String, addressLines: [String] = [], terminal: String, cashier: String? = nil, receiptId: String, time: String,
        lines: [Line], subtotal: Int64, totalDiscount: Int64, total: Int64, payments: [Payment], change: Int64 = 0,
        loyalty: Loyalty? = nil, footer: [String] = [], registeredOffline: Bool = false
    ) {
        self.storeName = storeName
        self.addressLines = addressLines
        self.terminal = terminal
        self.cashier = cashier
        self.receiptId = receiptId
        self.time = time
        self.lines = lines
        self.subtotal = subtotal
        self.totalDiscount = totalDiscount
        self.total = total
        self.payments = payments
        self.change = change
        self.loyalty = loyalty
        self.footer = footer
        self.registeredOffline = registeredOffline
    }
}
