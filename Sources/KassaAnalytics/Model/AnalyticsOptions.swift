/// How analytics segments and values customers and products, and where it feeds; every value
/// has a default in `config/kassa.yaml` (section `analytics`).
public struct AnalyticsOptions: Sendable, Equatable {
    /// How often segments are recomputed in the background (on demand too, through the API).
    public var segmentsIntervalSeconds = 900
    /// ABC: the share of revenue that makes class A, and A and B together (80/15/5 by default).
    public var abcAShare = 0.80
    public var abcBShare = 0.95
    /// XYZ: the coefficient of variation of weekly demand at or below which an item is X, and Y.
    public var xyzXMax = 0.10
    public var xyzYMax = 0.25
    /// Customer lifetime value: the horizon in months and the annual discount rate of the NPV.
    public var clvHorizonMonths = 12
    public var clvAnnualDiscountRate = 0.10
    /// The ClickHouse sink: its HTTP address (empty: no sink, the embedded default), database,
    /// rows per INSERT and how often it looks for new history.
    public var clickHouseURL = ""
    public var clickHouseDatabase = "kassa"
    public var clickHouseBatchRowsMax = 50_000
    public var clickHouseIntervalMilliseconds = 1000

    /// The defaults.
    public init() {}
}
