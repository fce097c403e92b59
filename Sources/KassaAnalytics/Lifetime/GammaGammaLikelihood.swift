#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma mean negative log-likelihood and its gradient in (ln p, ln q, ln v).
///
/// Per repeat buyer (lifetimes' form): ℓ = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v
/// + (px−1) ln m + px ln x − (px+q) ln(xm+v). The Γ terms depend on x alone, so they and their
/// digammas are taken once per distinct frequency.
struct GammaGammaLikelihood {
    let rows: SpendRows

    /// The mean negative log-likelihood at `logParameters`, with its gradient in `gradient`.
    func evaluate(_ logParameters: [Double], gradient: inout [Double]) -> Double {
        let p = exp(logParameters[0]), q = exp(logParameters[1]), v = exp(logParameters[2])
        var value = 0.0, dP = 0.0, dQ = 0.0, dV = 0.0
        for group in rows.frequencies.indices {
            let x = Double(rows.frequencies[group])
            let px = p * x
            let w = rows.groupWeight[group]
            value += w * (logGamma(px + q) - logGamma(px) - logGamma(q) + q * log(v) + px * log(x))
            dP += w * x * (digamma(px + q) - digamma(px) + log(x))
            dQ += w * (digamma(px + q) - digamma(q) + log(v))
            dV += w * q / v
            for row in rows.groupStart[group]..<rows.groupStart[group + 1] {
                let rowWeight = rows.weight[row]
                let logSpend = log(rows.spend[row] + v)
                value += rowWeight * ((px - 1) * rows.logMonetary[row] - (px + q) * logSpend)
                dP += rowWeight * x * (rows.logMonetary[row] - logSpend)
                dQ -= rowWeight * logSpend
                dV -= rowWeight * (px + q) / (rows.spend[row] + v)
            }
        }
        let scale = -1 / rows.totalWeight
        gradient = [scale * p * dP, scale * q * dQ, scale * v * dV]
        return scale * value
    }
}
