/// One customer's purchases as of a day, in the buy-till-you-die conventions (those of the
/// `lifetimes` library's `summary_data_from_transaction_data` with daily periods): a purchase is
/// a day with receipts, the first purchase day opens the customer's life.
public struct PurchaseSummary: Hashable, Sendable {
    /// Purchase days after the first (repeat purchases).
    public var frequency: Int
    /// Days from the first purchase day to the last.
    public var recencyDays: Int
    /// Days from the first purchase day to the as-of day.
    public var tDays: Int
    /// Mean spend of the repeat purchase days, minor units (0 without repeats).
    public var monetary: Double
    /// Receipts and spend over every purchase day up to the as-of day (for RFM).
    public var receipts: Int64
    public var spend: Int64
    /// Days from the last purchase to the as-of day.
    public var daysSinceLast: Int

    /// The summary of `days` up to and including `asOf`; nil with no purchase by then.
    public init?(days: [PurchaseDay], asOf: Int32) {
        var first: Int32?
        var last: Int32 = 0
        var count = 0
        var repeatSpend: Int64 = 0
        var receipts: Int64 = 0
        var spend: Int64 = 0
        for day in days where day.day <= asOf && day.receipts > 0 {
            if first == nil { first = day.day } else { repeatSpend += day.spend }
            last = day.day
            count += 1
            receipts += Int64(day.receipts)
            spend += day.spend
        }
        guard let first else { return nil }
        frequency = count - 1
        recencyDays = Int(last - first)
        tDays = Int(asOf - first)
        monetary = frequency > 0 ? Double(repeatSpend) / Double(frequency) : 0
        self.receipts = receipts
        self.spend = spend
        daysSinceLast = Int(asOf - last)
    }
}
