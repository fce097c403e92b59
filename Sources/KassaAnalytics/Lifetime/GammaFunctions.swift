#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The gamma-family functions the lifetime models' likelihoods need. Glibc's `lgamma` keeps the
// sign of Γ in a global (`signgam`), so the likelihood, which runs on two threads, uses the
// reentrant `lgamma_r` that returns it through a pointer instead.

/// ln |Γ(x)|, through the C library.
func logGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}

/// The digamma function ψ(x) = d ln Γ(x) / dx for x > 0 (NaN otherwise), to about 1e-15.
///
/// The C library has no digamma; this is the usual recurrence up to x ≥ 6 followed by the
/// asymptotic series, which is all the Gamma-Gamma gradient needs (its arguments are positive).
func digamma(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == .infinity ? .infinity : .nan }
    var x = x
    var result = 0.0
    // ψ(x) = ψ(x + 1) − 1/x moves x to where the series is accurate.
    while x < 6 {
        result -= 1 / x
        x += 1
    }
    let f = 1 / (x * x)
    let series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
    return result + log(x) - 0.5 / x - series
}
