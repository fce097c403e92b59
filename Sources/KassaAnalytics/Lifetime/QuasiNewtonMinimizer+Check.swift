#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension QuasiNewtonMinimizer.Outcome {
    /// How far above the tolerance a gradient may be when the minimiser stalled at the limit of
    /// the likelihood's precision (sums over millions of customers round at about 1e-13): the
    /// fit is then as good as the arithmetic allows, where lifetimes (SciPy) would give up with
    /// "precision loss".
    static let stalledGradientFactor = 1000.0

    /// Throws unless the minimiser converged to finite parameters.
    func check(model: String, tolerance: Double, hint: String) throws(LifetimeFitError) {
        guard value.isFinite, point.allSatisfy({ exp($0).isFinite && exp($0) > 0 }) else {
            throw LifetimeFitError(.nonFiniteLikelihood, "the \(model) likelihood went non-finite during the fit (parameters \(point.map { exp($0) })); \(hint)")
        }
        let largest = gradient.map(abs).max() ?? .nan
        guard converged || (stalled && largest <= Self.stalledGradientFactor * tolerance) else {
            throw LifetimeFitError(.didNotConverge, "the \(model) fit stopped after \(iterations) iterations with gradient \(largest) above the tolerance (parameters \(point.map { exp($0) })); \(hint), or raise LifetimeFitOptions.iterationsMax")
        }
    }
}
