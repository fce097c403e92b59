import KassaCore

/// One item in the basket, as the catalog described it when it was scanned.
public struct BasketLine: Hashable, Sendable {
    public var sku: String
    public var name: String
    public var qty: Quantity
    /// Unit price in minor units (per kilogram for weighed goods).
    public var price: Int64
    public var category: String
    public var weighed: Bool

    /// `qty × price`, rounded half-up (the contract's line amount).
    public var amount: Int64 { qty.amount(price: price) ?? 0 }
}

/// The basket being built at the lane: lines, the loyalty card, and the quantity the next scan
/// takes. Limits follow the server's (500 lines a receipt).
public struct Basket: Hashable, Sendable {
    public static let linesMax = 500

    public private(set) var lines: [BasketLine] = []
    public var card: CardNumber?
    /// The quantity `qty` set for the next item, if any.
    public var nextQuantity: Quantity?

    public init() {}

    public var isEmpty: Bool { lines.isEmpty }
    /// Sum of line amounts before discounts.
    public var subtotal: Int64 { lines.reduce(0) { $0 + $1.amount } }

    /// Adds a line; the pending quantity applies to it and is then used up.
    public mutating func add(_ line: BasketLine) throws(CashierInputError) {
        guard lines.count < Self.linesMax else {
            throw CashierInputError("a receipt takes at most \(Self.linesMax) lines; pay this one and start another")
        }
        lines.append(line)
        nextQuantity = nil
    }

    /// Removes the last line and returns it.
    public mutating func removeLast() throws(CashierInputError) -> BasketLine {
        guard let last = lines.popLast() else { throw CashierInputError("the basket is empty: nothing to void") }
        return last
    }
}
