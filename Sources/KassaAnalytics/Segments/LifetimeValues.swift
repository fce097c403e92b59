/// Expected purchases and discounted lifetime value for every customer of a segmentation, with
/// the BG/NBD and Gamma-Gamma parameters fitted for it.
public struct LifetimeValues: Sendable {
    /// Per customer, in the order of the summaries given.
    public var expectedPurchases90d: [Double]
    public var clv: [Double]
    /// The fitted parameters as (model, parameter, value): BG/NBD `r`, `alpha`, `a`, `b` and
    /// Gamma-Gamma `p`, `q`, `v`; empty for a model that could not be fitted.
    public var parameters: [(String, String, Double)] = []
    /// Why a model could not be fitted (too few customers or repeat buyers), or nil.
    public var note: String?

    init(_ summaries: [PurchaseSummary], options: AnalyticsOptions) {
        // TEMPORARY until the lifetime models land.
        expectedPurchases90d = Array(repeating: 0, count: summaries.count)
        clv = Array(repeating: 0, count: summaries.count)
        note = "not fitted"
    }
}
