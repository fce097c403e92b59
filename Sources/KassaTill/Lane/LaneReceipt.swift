/// A finished sale as the customer's receipt shows it: what the printer (or, without one,
/// standard output) gets.
public struct LaneReceipt: Hashable, Sendable, Codable {
    public struct Line: Hashable, Sendable, Codable {
        public var name: String
        public var sku: String
        /// Thousandths (pieces, or grams of a kilogram for weighed goods).
        public var qtyThousandths: Int64
        public var weighed: Bool
        public var price: Int64
        public var amount: Int64
        public var discount: Int64
        /// The ids of the rules behind the discount.
        public var rules: [String]
    }

    public var id: String
    public var store: String
    public var terminal: String
    public var cashier: String
    /// The sale's time as the receipt prints it ("2026-11-27 10:15").
    public var time: String
    public var lines: [Line]
    public var subtotal: Int64
    public var discount: Int64
    public var total: Int64
    public var payments: [LanePayment]
    /// Cash handed back.
    public var change: Int64
    public var card: String?
    public var pointsEarned: Int64?
    public var pointsBalance: Int64?
    /// Sold while the server was away (the receipt says so).
    public var offline: Bool
    /// The rules version that priced it.
    public var rulesVersion: UInt32
}

/// Where receipts come out, and the drawer they open.
public protocol LanePrinter: AnyObject {
    /// Prints `receipt`; returns once it is out. Throws when it cannot be printed now (the lane
    /// keeps it and prints it when the printer is ready again).
    func print(_ receipt: LaneReceipt) throws
    /// Opens the cash drawer.
    func openDrawer() throws
}
