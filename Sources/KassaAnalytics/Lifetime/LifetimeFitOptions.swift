/// How hard the lifetime models' maximum-likelihood fits work.
public struct LifetimeFitOptions: Hashable, Sendable {
    /// The fit stops once no component of the gradient of the mean negative log-likelihood (in
    /// log-parameters) exceeds this. lifetimes stops at 1e-7; a little tighter here, so that the
    /// difference between the two is lifetimes' own stopping error.
    public var gradientTolerance: Double = 1e-8
    /// Most quasi-Newton iterations before the fit gives up.
    public var iterationsMax: Int = 1000
    /// Threads the BG/NBD likelihood is split over (the machines have 2 cores).
    public var threads: Int = 2
    /// Fewest distinct customer rows per thread worth starting a thread for.
    public var rowsPerThreadMin: Int = 50_000

    /// The defaults.
    public init() {}
}
