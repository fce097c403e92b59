/// A line of a generated basket.
public struct LineDraft: Sendable, Equatable {
    public var sku: String
    /// Thousandths of a piece or of a kilogram.
    public var qty: Int64
    /// Shelf price in minor units (per kilogram for weighed goods).
    public var price: Int64
    public var category: String

    /// `qty × price` rounded half-up to a minor unit, as the contract computes a line's amount.
    public var amount: Int64 { (qty * price + 500) / 1000 }
}

/// A sale as the till builds it. `at` is filled in when it is sent.
public struct SaleDraft: Sendable, Equatable {
    public var id: String
    public var store: String
    public var terminal: String
    public var cashier: String
    /// Card number, or nil for a customer without one.
    public var customer: String?
    public var lines: [LineDraft]

    /// The basket at shelf prices.
    public var subtotal: Int64 { lines.reduce(0) { $0 + $1.amount } }
}

/// A return of some of an earlier sale's lines.
public struct ReturnDraft: Sendable, Equatable {
    public var id: String
    public var sale: String
    public var store: String
    public var terminal: String
    public var cashier: String
    public var lines: [(sku: String, qty: Int64)]

    public static func == (a: ReturnDraft, b: ReturnDraft) -> Bool {
        a.id == b.id && a.sale == b.sale && a.store == b.store && a.terminal == b.terminal && a.cashier == b.cashier
            && a.lines.map(\.sku) == b.lines.map(\.sku) && a.lines.map(\.qty) == b.lines.map(\.qty)
    }
}

/// The cancellation of a whole earlier sale.
public struct VoidDraft: Sendable, Equatable {
    public var id: String
    public var sale: String
    public var store: String
    public var terminal: String
    public var cashier: String
}

/// One thing that happens at a lane.
public enum VisitKind: Sendable, Equatable {
    /// A customer checks out: a quote first (the till's total with discounts), then the sale,
    /// and now and then a staff member looks up a card.
    case checkout(SaleDraft, lookup: String?)
    case saleReturn(ReturnDraft)
    case void(VoidDraft)
    /// The lane's shift ends: the Z-report.
    case closeShift(store: String, terminal: String)
}

/// A visit and when it is due, in seconds after the run's start (open loop), or 0 (closed loop).
public struct Visit: Sendable, Equatable {
    public var due: Double
    /// Index of the lane across all stores.
    public var lane: Int
    public var kind: VisitKind
}
