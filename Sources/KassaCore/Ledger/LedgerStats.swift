/// Totals since the data dir was created (`GET /v1/stats`).
public struct LedgerStats: Hashable, Sendable {
    /// Sales registered (voided ones included: they were registered).
    public var receipts: Int64 = 0
    /// Lines on those sales.
    public var lines: Int64 = 0
    /// Returns registered.
    public var returns: Int64 = 0
    /// Voids registered.
    public var voids: Int64 = 0
    /// Sale totals minus refunds of returns and voids, in minor units.
    public var revenue: Int64 = 0
    /// Discounts given on sales, in minor units.
    public var discounts: Int64 = 0
    /// Points earned, net of those taken back.
    public var pointsEarned: Int64 = 0
    /// Points spent, net of those given back.
    public var pointsSpent: Int64 = 0
    /// Customers enrolled.
    public var customers: Int64 = 0
    /// Points written off because the balance had expired.
    public var pointsExpired: Int64 = 0
    /// Of `receipts`, those imported from another system's history (`kassa import sales`).
    public var importedReceipts: Int64 = 0
    /// Of `lines`, those on imported receipts.
    public var importedLines: Int64 = 0
    /// Of `revenue`, the totals of imported receipts.
    public var importedRevenue: Int64 = 0
    /// Of `customers`, those enrolled by an import (source `import`).
    public var importedCustomers: Int64 = 0

    /// All zero.
    public init() {}
}
