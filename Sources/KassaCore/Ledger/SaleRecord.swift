/// A sold line as the Ledger keeps it: the price the customer paid and what came back since.
public struct SoldLine: Hashable, Sendable {
    /// The line as posted.
    public var line: ReceiptLine
    /// How it was priced.
    public var priced: PricedLine
    /// Quantity returned so far.
    public var returnedQty: Quantity = .zero
    /// Money refunded for it so far, in minor units.
    public var refunded: Int64 = 0

    /// A sold line with nothing returned.
    public init(line: ReceiptLine, priced: PricedLine) {
        self.line = line
        self.priced = priced
    }

    /// Quantity still returnable.
    public var remainingQty: Quantity { Quantity(thousandths: line.qty.thousandths - returnedQty.thousandths) }
}

/// A registered sale: what it was, how it was priced, and what was returned or voided since.
///
/// The fresh record is the journal event of the sale, so replay reproduces it without pricing
/// again (rules may have changed since).
public struct SaleRecord: Hashable, Sendable {
    /// Journal sequence number of the sale.
    public var seq: UInt64
    /// Fingerprint of the posted body, for telling retries from id conflicts.
    public var fingerprint: UInt64
    /// Receipt header as posted (lines and payments are in `lines` and `payments`).
    public var id: String
    /// Store code.
    public var store: String
    /// Terminal code.
    public var terminal: String
    /// Cashier code.
    public var cashier: String
    /// When the till closed the receipt.
    public var at: Timestamp
    /// Loyalty card, if any.
    public var customer: CardNumber?
    /// The lines, priced.
    public var lines: [SoldLine]
    /// Payments as posted.
    public var payments: [Payment]
    /// Points earned.
    public var pointsEarned: Int64
    /// Points spent.
    public var pointsSpent: Int64
    /// The customer's balance right after the sale.
    public var pointsBalanceAfter: Int64
    /// The customer's tier after the sale.
    public var tier: String?
    /// Rules version that priced the sale.
    public var rulesVersion: UInt32
    /// Points of the balance that had expired and were written off by this sale.
    public var pointsExpired: Int64 = 0
    /// Earned points taken back by returns and voids so far.
    public var pointsEarnedReversed: Int64 = 0
    /// Spent points given back by returns and voids so far.
    public var pointsSpentRestored: Int64 = 0
    /// True once voided.
    public var voided: Bool = false

    /// Sum of line amounts before discounts.
    public var subtotal: Int64 { lines.reduce(0) { $0 + $1.priced.amount } }
    /// Sum of line discounts.
    public var discount: Int64 { lines.reduce(0) { $0 + $1.priced.discount } }
    /// What the customer paid.
    public var total: Int64 { subtotal - discount }
    /// Money refunded by returns and voids so far.
    public var refunded: Int64 { lines.reduce(0) { $0 + $1.refunded } }
    /// True once every line came back (by returns or a void).
    public var fullyReturned: Bool { lines.allSatisfy { $0.returnedQty == $0.line.qty } }
    /// True when some line was returned.
    public var hasReturns: Bool { lines.contains { $0.returnedQty.thousandths > 0 } }
}

/// One line of a return as the Ledger recorded it.
public struct ReturnedLine: Hashable, Sendable {
    /// Index of the sale line it came from.
    public var saleLine: Int
    /// The SKU.
    public var sku: SKU
    /// How much came back.
    public var qty: Quantity
    /// Money refunded for it, in minor units.
    public var refund: Int64
}

/// A registered return (also the journal event of the return).
public struct ReturnRecord: Hashable, Sendable {
    /// Journal sequence number.
    public var seq: UInt64
    /// Fingerprint of the posted body.
    public var fingerprint: UInt64
    /// The return's id.
    public var id: String
    /// The sale's id.
    public var sale: String
    /// Store code.
    public var store: String
    /// Terminal that took it.
    public var terminal: String
    /// Cashier code.
    public var cashier: String
    /// When, on the till's clock.
    public var at: Timestamp
    /// Lines returned, each tied to a sale line.
    public var lines: [ReturnedLine]
    /// Earned points taken back.
    public var pointsEarnedReversed: Int64
    /// Spent points given back.
    public var pointsSpentRestored: Int64
    /// True when this return made the sale fully returned (its visit is taken back).
    public var completesSale: Bool
    /// The customer's balance right after.
    public var pointsBalanceAfter: Int64

    /// Total refund.
    public var refund: Int64 { lines.reduce(0) { $0 + $1.refund } }
}

/// A registered void (also the journal event of the void).
public struct VoidRecord: Hashable, Sendable {
    /// Journal sequence number.
    public var seq: UInt64
    /// Fingerprint of the posted body.
    public var fingerprint: UInt64
    /// The void's id.
    public var id: String
    /// The sale's id.
    public var sale: String
    /// Terminal that voided.
    public var terminal: String
    /// Cashier code.
    public var cashier: String
    /// When, on the till's clock.
    public var at: Timestamp
    /// Why.
    public var reason: String
    /// Money given back (the sale's total).
    public var refund: Int64
    /// Earned points taken back.
    public var pointsEarnedReversed: Int64
    /// Spent points given back.
    public var pointsSpentRestored: Int64
    /// The customer's balance right after.
    public var pointsBalanceAfter: Int64
}
