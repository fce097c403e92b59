/// Running totals of one terminal's shift: the X-report while open, the Z-report once closed.
///
/// Kept up to date by every sale, return and void, so both reports are answered in O(1) and
/// closing a shift never scans receipts.
public struct ShiftTotals: Hashable, Sendable {
    /// Terminal code.
    public var terminal: String
    /// Shift number on this terminal (1, 2, …).
    public var number: Int64
    /// When the shift opened (server time).
    public var openedAt: Timestamp
    /// When it closed, once closed.
    public var closedAt: Timestamp?
    /// Sales registered.
    public var receipts: Int64 = 0
    /// Sum of sale subtotals before discounts.
    public var gross: Int64 = 0
    /// Sum of discounts given.
    public var discounts: Int64 = 0
    /// Sum of sale totals after discounts.
    public var sales: Int64 = 0
    /// Takings by payment method name (`cash`, `card`, `points`, …), in first-seen order.
    public var payments: [PaymentTotal] = []
    /// Returns taken.
    public var returns: Int64 = 0
    /// Money refunded by returns.
    public var returnsTotal: Int64 = 0
    /// Voids done.
    public var voids: Int64 = 0
    /// Money given back by voids.
    public var voidsTotal: Int64 = 0
    /// Points earned by sales, net of those taken back.
    public var pointsEarned: Int64 = 0
    /// Points spent by sales, net of those given back.
    public var pointsSpent: Int64 = 0

    /// A fresh shift.
    public init(terminal: String, number: Int64, openedAt: Timestamp) {
        self.terminal = terminal
        self.number = number
        self.openedAt = openedAt
    }

    /// Net takings: sales minus refunds.
    public var net: Int64 { sales - returnsTotal - voidsTotal }

    mutating func add(payment: Payment) {
        let name = payment.method.description
        if let index = payments.firstIndex(where: { $0.method == name }) {
            payments[index].amount += payment.amount
        } else {
            payments.append(PaymentTotal(method: name, amount: payment.amount))
        }
    }
}

/// Takings of one payment method within a shift.
public struct PaymentTotal: Hashable, Sendable {
    /// Method name.
    public var method: String
    /// Sum, in minor units.
    public var amount: Int64

    /// A method's takings.
    public init(method: String, amount: Int64) {
        self.method = method
        self.amount = amount
    }
}
