/// A fitted lifetime model and how the fit went.
public struct LifetimeFit<Model: Sendable>: Sendable {
    /// The maximum-likelihood parameters.
    public var model: Model
    /// The mean negative log-likelihood at the optimum, in the fit's own time units (lifetimes'
    /// `_negative_log_likelihood_`: for BG/NBD, times divided by the largest age).
    public var negativeLogLikelihood: Double
    /// Quasi-Newton iterations and likelihood evaluations used.
    public var iterations: Int
    public var evaluations: Int
    /// Customers fitted (with a positive weight), and the distinct rows they folded into.
    public var customers: Int
    public var distinctRows: Int
}
