#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Most terms the 2F1 series may add before it gives up; at z = 0.999 the terms fall by 0.1 %
/// each, so even that converges well inside the limit.
let hypergeometricTermsMax = 200_000

/// The Gauss hypergeometric function ₂F₁(a, b; c; z) for |z| < 1, by its power series.
///
/// Returns `.infinity` when the sum overflows a Double (then use ``logHypergeometric2F1(_:_:_:_:)``,
/// which switches to Euler's transformation) and NaN when c is a non-positive integer, |z| ≥ 1,
/// or the series does not settle within ``hypergeometricTermsMax`` terms.
public func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
    guard abs(z) < 1, a.isFinite, b.isFinite, c.isFinite else { return .nan }
    guard c > 0 || c != c.rounded() else { return .nan }
    var term = 1.0
    var sum = 1.0
    for n in 0..<hypergeometricTermsMax {
        let k = Double(n)
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        term *= ratio
        sum += term
        guard sum.isFinite else { return sum.isNaN ? .nan : .infinity }
        // A term of zero means a or b is a non-positive integer: the series is a polynomial.
        if term == 0 { return sum }
        // Stop only once the terms shrink for good (|ratio| < 1 from here on, as the ratio
        // tends to z), so a small term before the series turns is not taken for the tail.
        if abs(term) <= 1e-17 * abs(sum), abs(ratio) < 1, k > abs(a) + abs(b) + abs(c) {
            return sum
        }
    }
    return .nan
}

/// ln ₂F₁(a, b; c; z) the way `lifetimes` computes it for the BG/NBD's expected purchases: the
/// series directly, and where its value overflows a Double, Euler's transformation
/// ₂F₁(a, b; c; z) = (1 − z)^(c − a − b) ₂F₁(c − a, c − b; c; z), taken in logs.
///
/// The transformation is also used when the direct series does not settle, which lifetimes
/// (through SciPy) never needs. NaN when the function is negative or undefined.
public func logHypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
    let direct = hypergeometric2F1(a, b, c, z)
    if direct.isFinite { return log(direct) }
    let transformed = hypergeometric2F1(c - a, c - b, c, z)
    return log(transformed) + (c - a - b) * log1p(-z)
}
