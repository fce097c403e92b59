import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma mean negative log-likelihood and its gradient in (ln p, ln q, ln v).
///
/// Per repeat buyer (lifetimes' form): ℓ = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v
/// + (px−1) ln m + px ln x − (px+q) ln(xm+v). The Γ terms depend on x alone, so they and their
/// digammas are taken once per distinct frequency; so are the sums of ln m. What is left per
/// customer is ln(xm+v) and 1/(xm+v), summed per frequency over `threads` ranges of rows.
struct GammaGammaLikelihood {
    let rows: SpendRows
    let threads: Int

    init(rows: SpendRows, options: LifetimeFitOptions = LifetimeFitOptions()) {
        self.rows = rows
        let useful = rows.weight.count / max(1, options.rowsPerThreadMin)
        threads = max(1, min(options.threads, useful))
    }

    /// Per frequency group: Σ w ln(xm+v) and Σ w / (xm+v).
    private struct GroupSums {
        var logSpend: [Double]
        var inverseSpend: [Double]

        init(groups: Int) {
            logSpend = [Double](repeating: 0, count: groups)
            inverseSpend = [Double](repeating: 0, count: groups)
        }
    }

    /// The mean negative log-likelihood at `logParameters`, with its gradient in `gradient`.
    func evaluate(_ logParameters: [Double], gradient: inout [Double]) -> Double {
        let p = exp(logParameters[0]), q = exp(logParameters[1]), v = exp(logParameters[2])
        let sums = groupSums(v: v)
        var value = 0.0, dP = 0.0, dQ = 0.0, dV = 0.0
        for group in rows.frequencies.indices {
            let x = Double(rows.frequencies[group])
            let px = p * x
            let w = rows.groupWeight[group]
            let logMonetary = rows.groupLogMonetary[group]
            let logSpend = sums.logSpend[group], inverseSpend = sums.inverseSpend[group]
            value += w * (logGamma(px + q) - logGamma(px) - logGamma(q) + q * log(v) + px * log(x))
                + (px - 1) * logMonetary - (px + q) * logSpend
            dP += x * (w * (digamma(px + q) - digamma(px) + log(x)) + logMonetary - logSpend)
            dQ += w * (digamma(px + q) - digamma(q) + log(v)) - logSpend
            dV += w * q / v - (px + q) * inverseSpend
        }
        let scale = -1 / rows.totalWeight
        gradient = [scale * p * dP, scale * q * dQ, scale * v * dV]
        return scale * value
    }

    /// The per-group sums at `v`, split over `threads` contiguous ranges of rows.
    private func groupSums(v: Double) -> GroupSums {
        let groups = rows.frequencies.count
        guard threads > 1 else { return groupSums(v: v, rows: 0..<rows.weight.count) }
        var parts = [GroupSums](repeating: GroupSums(groups: groups), count: threads)
        let threads = self.threads, count = rows.weight.count
        parts.withUnsafeMutableBufferPointer { buffer in
            let results = DisjointWrites(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                results.write(groupSums(v: v, rows: (count * part / threads)..<(count * (part + 1) / threads)), at: part)
            }
        }
        var total = parts[0]
        for part in parts.dropFirst() {
            for group in 0..<groups {
                total.logSpend[group] += part.logSpend[group]
                total.inverseSpend[group] += part.inverseSpend[group]
            }
        }
        return total
    }

    /// The per-group sums at `v` over the rows in `range`.
    private func groupSums(v: Double, rows range: Range<Int>) -> GroupSums {
        var sums = GroupSums(groups: rows.frequencies.count)
        rows.weight.withUnsafeBufferPointer { weight in
            rows.spend.withUnsafeBufferPointer { spend in
                for group in rows.frequencies.indices {
                    let lower = max(range.lowerBound, rows.groupStart[group])
                    let upper = min(range.upperBound, rows.groupStart[group + 1])
                    var logSum = 0.0, inverseSum = 0.0
                    var row = lower
                    while row < upper {
                        let total = spend[row] + v
                        logSum += weight[row] * log(total)
                        inverseSum += weight[row] / total
                        row += 1
                    }
                    sums.logSpend[group] = logSum
                    sums.inverseSpend[group] = inverseSum
                }
            }
        }
        return sums
    }
}
