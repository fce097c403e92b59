import KassaCore

// Days throughout analytics are local days since 1970-01-01 (`Timestamp.localDay`): the store's
// calendar day a receipt was taken on, whatever the server's time zone.

/// One day on which a customer bought: every receipt of that day added up, net of returns;
/// a day whose receipts were all voided is not kept.
public struct PurchaseDay: Hashable, Sendable {
    /// Local day.
    public var day: Int32
    /// Index into `AnalyticsFacts.stores` of the day's first receipt.
    public var store: Int32
    /// Receipts that day (voided ones taken back).
    public var receipts: Int32
    /// Spend after discounts, net of refunds, in minor units.
    public var spend: Int64

    public init(day: Int32, store: Int32, receipts: Int32, spend: Int64) {
        self.day = day
        self.store = store
        self.receipts = receipts
        self.spend = spend
    }
}

/// What analytics knows of one loyalty customer.
public struct CustomerFacts: Hashable, Sendable {
    /// Card number.
    public var card: String
    /// Name as enrolled (may be empty).
    public var name: String
    /// Acquisition source (`flyer`, `web`, `till`, `import`, …; empty when none was given).
    public var source: String
    /// Local day of enrolment.
    public var enrolledDay: Int32
    /// Birthdate, when given.
    public var birthdate: LocalDate?
    /// Purchase days, oldest first, one entry per day.
    public var days: [PurchaseDay]

    public init(card: String, name: String = "", source: String = "", enrolledDay: Int32, birthdate: LocalDate? = nil,
                days: [PurchaseDay] = []) {
        self.card = card
        self.name = name
        self.source = source
        self.enrolledDay = enrolledDay
        self.birthdate = birthdate
        self.days = days
    }
}

/// One store's trade on one day, every receipt counted (with or without a loyalty card).
public struct StoreDayFacts: Hashable, Sendable {
    /// Index into `AnalyticsFacts.stores`.
    public var store: Int32
    /// Local day.
    public var day: Int32
    /// Receipts registered (voided ones taken back).
    public var receipts: Int64
    /// Receipts that carried a loyalty card.
    public var loyaltyReceipts: Int64
    /// Sum of receipt subtotals before discounts, minor units.
    public var subtotal: Int64
    /// Sum of discounts, minor units.
    public var discount: Int64
    /// Sum of receipt totals after discounts, minor units (refunds are in `refunds`).
    public var revenue: Int64
    /// Money refunded by returns taken that day, minor units.
    public var refunds: Int64
    /// Receipt lines.
    public var lines: Int64

    public init(store: Int32, day: Int32, receipts: Int64 = 0, loyaltyReceipts: Int64 = 0, subtotal: Int64 = 0,
                discount: Int64 = 0, revenue: Int64 = 0, refunds: Int64 = 0, lines: Int64 = 0) {
        self.store = store
        self.day = day
        self.receipts = receipts
        self.loyaltyReceipts = loyaltyReceipts
        self.subtotal = subtotal
        self.discount = discount
        self.revenue = revenue
        self.refunds = refunds
        self.lines = lines
    }
}

/// One product's sales in one store on one day.
public struct ProductDayFacts: Hashable, Sendable {
    /// Index into `AnalyticsFacts.skus`.
    public var sku: Int32
    /// Index into `AnalyticsFacts.stores`.
    public var store: Int32
    /// Local day.
    public var day: Int32
    /// Quantity sold, thousandths (pieces or kilograms), net of returns.
    public var qtyThousandths: Int64
    /// Revenue after discounts, minor units, net of returns.
    public var revenue: Int64

    public init(sku: Int32, store: Int32, day: Int32, qtyThousandths: Int64, revenue: Int64) {
        self.sku = sku
        self.store = store
        self.day = day
        self.qtyThousandths = qtyThousandths
        self.revenue = revenue
    }
}

/// Everything the reports and segments are computed from: a consistent copy of the history up
/// to journal position `throughSeq`, taken off the writer's path.
public struct AnalyticsFacts: Sendable {
    /// Store codes; facts refer to them by index.
    public var stores: [String]
    /// SKU codes; product facts refer to them by index.
    public var skus: [String]
    /// Every enrolled customer.
    public var customers: [CustomerFacts]
    /// Trade per store and day, in no particular order.
    public var storeDays: [StoreDayFacts]
    /// Product sales per store and day, in no particular order.
    public var productDays: [ProductDayFacts]
    /// The journal position the facts cover.
    public var throughSeq: UInt64

    public init(stores: [String] = [], skus: [String] = [], customers: [CustomerFacts] = [], storeDays: [StoreDayFacts] = [],
                productDays: [ProductDayFacts] = [], throughSeq: UInt64 = 0) {
        self.stores = stores
        self.skus = skus
        self.customers = customers
        self.storeDays = storeDays
        self.productDays = productDays
        self.throughSeq = throughSeq
    }

    /// Index of `code` in `stores`, or nil when no receipt came from that store.
    public func storeIndex(_ code: String) -> Int32? { stores.firstIndex(of: code).map { Int32($0) } }
}

/// A report's filters: local days `from...to` (both included), one store or all, and the day the
/// report is as of (for recency, age and "upcoming").
public struct ReportQuery: Hashable, Sendable {
    public var from: Int32
    public var to: Int32
    /// Store index, or nil for all stores.
    public var store: Int32?
    public var asOf: Int32

    public init(from: Int32, to: Int32, store: Int32? = nil, asOf: Int32) {
        self.from = from
        self.to = to
        self.store = store
        self.asOf = asOf
    }
}
