#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension QuasiNewtonMinimizer.Outcome {
    /// Throws unless the minimiser converged to finite parameters.
    func check(model: String, hint: String) throws(LifetimeFitError) {
        guard value.isFinite, point.allSatisfy({ exp($0).isFinite && exp($0) > 0 }) else {
            throw LifetimeFitError(.nonFiniteLikelihood, "the \(model) likelihood went non-finite during the fit (parameters \(point.map { exp($0) })); \(hint)")
        }
        guard converged else {
            let largest = gradient.map(abs).max() ?? .nan
            throw LifetimeFitError(.didNotConverge, "the \(model) fit stopped after \(iterations) iterations with gradient \(largest) above the tolerance (parameters \(point.map { exp($0) })); \(hint), or raise LifetimeFitOptions.iterationsMax")
        }
    }
}
