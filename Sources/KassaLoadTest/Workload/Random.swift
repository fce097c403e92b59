import Foundation

/// xoshiro256** seeded through SplitMix64: fast, and the same numbers for the same seed on every
/// machine, which is what makes a load test repeatable.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// Exponentially distributed with the given mean (the gap between Poisson arrivals).
    public mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - unit())
    }

    /// Log-normally distributed with the given mean; `sigma` is the spread of its logarithm.
    public mutating func logNormal(mean: Double, sigma: Double) -> Double {
        let mu = log(mean) - sigma * sigma / 2
        // Box–Muller; one of the pair is enough here.
        let u1 = max(unit(), 0x1.0p-53), u2 = unit()
        let normal = sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
        return exp(mu + sigma * normal)
    }
}

/// Ranks 0..<count drawn with probability proportional to 1 / (rank + 1)^exponent: a few goods
/// sell all day, most sell now and then, as in a real store's sales.
public struct Zipf: Sendable {
    let cumulative: [Double]
    /// Per bucket `b` of [0, 1) split into `count` equal buckets, the first rank whose
    /// cumulative probability reaches the bucket's lower edge: a draw starts there and steps
    /// past a rank or two, instead of searching all ranks (the load test draws some thirty
    /// times a receipt, and shares the machine with the server it measures). The rank is
    /// stored as it is when it is the answer for every draw in the bucket, which is so for
    /// most draws (the popular ranks each span buckets); as its complement (negative) when
    /// the draw must be checked against the cumulative probabilities. One load instead of two
    /// from tables too large for the cache.
    private let guide: [Int32]

    /// Further than any rounding of `u * count` can move a draw from its bucket's edges.
    private static let edgeMargin = 1e-9

    public init(count: Int, exponent: Double) {
        precondition(count > 0, "a Zipf distribution needs at least one rank")
        var sums = [Double](repeating: 0, count: count)
        var total = 0.0
        for rank in 0..<count {
            total += 1 / pow(Double(rank + 1), exponent)
            sums[rank] = total
        }
        cumulative = sums.map { $0 / total }
        precondition(count < Int(Int32.max), "fewer than \(Int32.max) ranks")
        var guide = [Int32](repeating: 0, count: count)
        var rank = 0
        for bucket in 0..<count {
            let edge = Double(bucket) / Double(count)
            while cumulative[rank] < edge { rank += 1 }
            let nextEdge = Double(bucket + 1) / Double(count)
            // Every draw near this bucket lies above the rank before's cumulative probability
            // and at or below this rank's.
            let certain = (rank == 0 || cumulative[rank - 1] < edge - Self.edgeMargin)
                && (cumulative[rank] >= nextEdge + Self.edgeMargin || rank == count - 1)
            guide[bucket] = certain ? Int32(rank) : ~Int32(rank)
        }
        self.guide = guide
    }

    public var count: Int { cumulative.count }

    /// The probability of `rank`.
    public func probability(_ rank: Int) -> Double {
        rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1]
    }

    /// The first rank whose cumulative probability reaches a uniform draw: the inverse of the
    /// distribution function, so the same seed draws the same ranks as a search over all ranks.
    public func draw(_ random: inout SeededGenerator) -> Int {
        rank(at: random.unit())
    }

    /// The first rank whose cumulative probability is at least `u`, for `u` in [0, 1).
    func rank(at u: Double) -> Int {
        let count = cumulative.count
        let entry = guide[min(Int(u * Double(count)), count - 1)]
        if entry >= 0 { return Int(entry) }
        return cumulative.withUnsafeBufferPointer { cumulative in
            var rank = Int(~entry)
            // The bucket's guide is exact unless rounding put `u` in the next bucket up.
            while rank > 0 && cumulative[rank - 1] >= u { rank -= 1 }
            // The last cumulative probability is 1, above every `u`.
            while cumulative[rank] < u { rank += 1 }
            return rank
        }
    }
}
