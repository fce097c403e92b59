/// The bounds the Ledger enforces, from configuration (TigerBeetle style: a limit on everything).
public struct LedgerLimits: Hashable, Sendable {
    /// Most lines one receipt may carry.
    public var linesPerReceiptMax: Int = 500
    /// Most payments one receipt may carry.
    public var paymentsPerReceiptMax: Int = 20
    /// Highest unit price accepted, in minor units (100,000,000.00).
    public var priceMax: Int64 = 10_000_000_000
    /// How many days of receipts are kept for idempotent retries and returns.
    public var receiptWindowDays: Int32 = 14
    /// How many receipts (sales, returns, voids) the idempotency index may hold at most.
    public var receiptIndexMax: Int = 2_000_000
    /// How many days of per-day activity each customer keeps (at least the longest rule window).
    public var activityRetentionDays: Int32 = 400
    /// Most products one catalog upsert may carry.
    public var productsPerUpsertMax: Int = 100_000

    /// The defaults.
    public init() {}
}
