import KassaCore

/// One customer's segment and values as of a day, in the buy-till-you-die conventions of the
/// contract's `kassa export segments`.
public struct CustomerSegment: Hashable, Sendable {
    public var card: String
    /// Named RFM segment (`champions`, `loyal`, …; `no_purchases` before the first one).
    public var segment: String
    /// Quintile scores 1...5 (0 for a customer with no purchases).
    public var r: Int
    public var f: Int
    public var m: Int
    /// Repeat-purchase days: distinct purchase days after the first.
    public var frequency: Int
    /// Days from the first purchase day to the last.
    public var recencyDays: Int
    /// Days from the first purchase day to the as-of day.
    public var tDays: Int
    /// Mean spend of the repeat purchase days, minor units (0 without repeats).
    public var monetary: Int64
    /// Expected purchases in the next 90 days (BG/NBD).
    public var expectedPurchases90d: Double
    /// Discounted lifetime value over the configured horizon, minor units.
    public var clv: Int64

    public init(card: String, segment: String, r: Int, f: Int, m: Int, frequency: Int, recencyDays: Int, tDays: Int,
                monetary: Int64, expectedPurchases90d: Double, clv: Int64) {
        self.card = card
        self.segment = segment
        self.r = r
        self.f = f
        self.m = m
        self.frequency = frequency
        self.recencyDays = recencyDays
        self.tDays = tDays
        self.monetary = monetary
        self.expectedPurchases90d = expectedPurchases90d
        self.clv = clv
    }

    /// The RFM code as the customer card shows it, e.g. "545".
    public var rfm: String { "\(r)\(f)\(m)" }
}

/// One computation of every customer's segment: what the card, `/v1/segments`, the exports and
/// the ClickHouse sink show.
public struct SegmentSnapshot: Sendable {
    /// Increases with every computation since the process started; with `computedAt`, it tells
    /// one snapshot from another.
    public var number: UInt64
    /// The day segments are as of.
    public var asOf: LocalDate
    /// When the computation finished.
    public var computedAt: Timestamp
    /// The journal position of the history it saw.
    public var throughSeq: UInt64
    /// One row per enrolled customer, ordered by card.
    public var customers: [CustomerSegment]

    public init(number: UInt64, asOf: LocalDate, computedAt: Timestamp, throughSeq: UInt64, customers: [CustomerSegment]) {
        self.number = number
        self.asOf = asOf
        self.computedAt = computedAt
        self.throughSeq = throughSeq
        self.customers = customers
    }
}
