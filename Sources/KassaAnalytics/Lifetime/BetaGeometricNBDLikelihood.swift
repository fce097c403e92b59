import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BG/NBD mean negative log-likelihood over a pattern table, and its gradient, in the
/// log-parameters (ln r, ln alpha, ln a, ln b) that lifetimes minimises.
///
/// Per customer (Fader, Hardie and Lee 2005, section 7, as lifetimes writes it):
/// ℓ = A₁ + A₂ + ln(e^A₃ + [x > 0] e^A₄), with
/// A₁ = ln Γ(r+x) − ln Γ(r) + r ln α, A₂ = ln B(a, b+x) − ln B(a, b),
/// A₃ = −(r+x) ln(α+T), A₄ = ln a − ln(b+x−1) − (r+x) ln(α+tₓ).
/// A₁ and A₂ depend on x alone, so they are computed once per distinct frequency (the Γ ratios
/// as sums of logarithms, extended from one frequency to the next); the logarithms in A₃ and A₄
/// once per distinct age and recency. What is left per pattern is one exp and one log1p.
struct BetaGeometricNBDLikelihood {
    let table: PurchasePatternTable
    let threads: Int

    /// A part of the row sums: ℓ's row terms, and the row parts of ∂ℓ/∂r, ∂ℓ/∂α and, per
    /// frequency group, the weight times P(the customer's last purchase was its last).
    private struct RowSums {
        var value = 0.0
        var rate = 0.0
        var alpha = 0.0
        var dropout: [Double]
    }

    /// The parameters and their per-value logarithms for one evaluation.
    private struct Terms {
        var rPlusX: [Double]
        var dropoutLog: [Double]
        var logAge: [Double]
        var inverseAge: [Double]
        var logRecency: [Double]
        var inverseRecency: [Double]
    }

    init(table: PurchasePatternTable, options: LifetimeFitOptions) {
        self.table = table
        let useful = table.rows / max(1, options.rowsPerThreadMin)
        self.threads = max(1, min(options.threads, useful))
    }

    /// The mean negative log-likelihood at `logParameters`, with its gradient in `gradient`.
    func evaluate(_ logParameters: [Double], gradient: inout [Double]) -> Double {
        let r = exp(logParameters[0]), alpha = exp(logParameters[1])
        let a = exp(logParameters[2]), b = exp(logParameters[3])
        let groups = table.frequencies.count
        let terms = Terms(
            rPlusX: table.frequencies.map { r + Double($0) },
            dropoutLog: table.frequencies.map { log(a) - log(b + Double(max($0, 1)) - 1) },
            logAge: table.ages.map { log(alpha + $0) },
            inverseAge: table.ages.map { 1 / (alpha + $0) },
            logRecency: table.recencies.map { log(alpha + $0) },
            inverseRecency: table.recencies.map { 1 / (alpha + $0) })
        var sums = rowSums(terms, groups: groups)
        // The x-only parts: Γ ratios as running sums of logs, their derivatives as running sums
        // of reciprocals, extended from each frequency to the next.
        var logRate = 0.0, logB = 0.0, logAB = 0.0
        var reciprocalRate = 0.0, reciprocalB = 0.0, reciprocalAB = 0.0
        var dR = 0.0, dAlpha = 0.0, dA = 0.0, dB = 0.0
        var reached = 0
        for group in 0..<groups {
            let x = table.frequencies[group]
            while reached < x {
                let k = Double(reached)
                logRate += log(r + k); reciprocalRate += 1 / (r + k)
                logB += log(b + k); reciprocalB += 1 / (b + k)
                logAB += log(a + b + k); reciprocalAB += 1 / (a + b + k)
                reached += 1
            }
            let w = table.groupWeight[group]
            sums.value += w * (logRate + r * log(alpha) + logB - logAB)
            dR += w * (reciprocalRate + log(alpha))
            dAlpha += w * r / alpha
            dA -= w * reciprocalAB
            dB += w * (reciprocalB - reciprocalAB)
            if x > 0 {
                dA += sums.dropout[group] / a
                dB -= sums.dropout[group] / (b + Double(x) - 1)
            }
        }
        dR -= sums.rate
        dAlpha -= sums.alpha
        let scale = -1 / table.totalWeight
        gradient = [scale * r * dR, scale * alpha * dAlpha, scale * a * dA, scale * b * dB]
        return scale * sums.value
    }

    /// The row sums, split over `threads` contiguous ranges of rows.
    private func rowSums(_ terms: Terms, groups: Int) -> RowSums {
        let rows = table.rows
        var parts = [RowSums](repeating: RowSums(dropout: [Double](repeating: 0, count: groups)), count: threads)
        let threads = self.threads
        parts.withUnsafeMutableBufferPointer { buffer in
            let results = DisjointWrites(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                let lower = rows * part / threads, upper = rows * (part + 1) / threads
                results.write(rowSums(terms, rows: lower..<upper, groups: groups), at: part)
            }
        }
        var total = parts[0]
        for part in parts.dropFirst() {
            total.value += part.value
            total.rate += part.rate
            total.alpha += part.alpha
            for group in 0..<groups { total.dropout[group] += part.dropout[group] }
        }
        return total
    }

    /// The row sums over `range`.
    private func rowSums(_ terms: Terms, rows range: Range<Int>, groups: Int) -> RowSums {
        var sums = RowSums(dropout: [Double](repeating: 0, count: groups))
        for group in 0..<groups {
            let lower = max(range.lowerBound, table.groupStart[group])
            let upper = min(range.upperBound, table.groupStart[group + 1])
            guard lower < upper else { continue }
            if table.frequencies[group] == 0 {
                addNonRepeaters(terms, rows: lower..<upper, group: group, into: &sums)
            } else {
                addRepeaters(terms, rows: lower..<upper, group: group, into: &sums)
            }
        }
        return sums
    }

    /// Customers without repeat purchases: ℓ's row part is A₃ alone.
    private func addNonRepeaters(_ terms: Terms, rows: Range<Int>, group: Int, into sums: inout RowSums) {
        let rx = terms.rPlusX[group]
        var value = 0.0, rate = 0.0, alpha = 0.0
        for row in rows {
            let w = table.weight[row]
            let age = Int(table.ageIndex[row])
            value -= w * rx * terms.logAge[age]
            rate += w * terms.logAge[age]
            alpha += w * rx * terms.inverseAge[age]
        }
        sums.value += value
        sums.rate += rate
        sums.alpha += alpha
    }

    /// Repeat buyers: ln(e^A₃ + e^A₄) taken stably, with p = e^A₄ / (e^A₃ + e^A₄) weighting the
    /// derivatives of the two branches.
    private func addRepeaters(_ terms: Terms, rows: Range<Int>, group: Int, into sums: inout RowSums) {
        let rx = terms.rPlusX[group]
        let c4 = terms.dropoutLog[group]
        var value = 0.0, rate = 0.0, alpha = 0.0, dropout = 0.0
        for row in rows {
            let w = table.weight[row]
            let age = Int(table.ageIndex[row]), recency = Int(table.recencyIndex[row])
            let a3 = -rx * terms.logAge[age]
            let a4 = c4 - rx * terms.logRecency[recency]
            let e = exp(-abs(a4 - a3))
            let p = a4 > a3 ? 1 / (1 + e) : e / (1 + e)
            value += w * (max(a3, a4) + log1p(e))
            rate += w * ((1 - p) * terms.logAge[age] + p * terms.logRecency[recency])
            alpha += w * rx * ((1 - p) * terms.inverseAge[age] + p * terms.inverseRecency[recency])
            dropout += w * p
        }
        sums.value += value
        sums.rate += rate
        sums.alpha += alpha
        sums.dropout[group] += dropout
    }
}
