import Foundation
import Testing
@testable import KassaAnalytics

/// Fits recover the parameters that synthetic customers were drawn with.
@Suite struct LifetimeFitTests {
    static let truth = BetaGeometricNBD(r: 0.25, alpha: 30, a: 0.8, b: 2.4)
    static let spendTruth = GammaGamma(p: 6, q: 3.7, v: 1500)

    static func relativeError(_ value: Double, _ expected: Double) -> Double { abs(value - expected) / expected }

    @Test func bgnbdFitRecoversItsParameters() throws {
        var generator = SyntheticCustomers(seed: 7)
        let customers = generator.bgnbd(Self.truth, count: 200_000, ageDaysMax: 540)
        let fit = try BetaGeometricNBD.fit(frequency: customers.frequency, recency: customers.recency, T: customers.age)
        let model = fit.model
        // 200,000 customers pin the parameters to within a few percent (b and a, which only the
        // repeat buyers inform, least tightly).
        #expect(Self.relativeError(model.r, Self.truth.r) < 0.05, "\(model)")
        #expect(Self.relativeError(model.alpha, Self.truth.alpha) < 0.05, "\(model)")
        #expect(Self.relativeError(model.a, Self.truth.a) < 0.1, "\(model)")
        #expect(Self.relativeError(model.b, Self.truth.b) < 0.1, "\(model)")
        #expect(fit.distinctRows < fit.customers)
    }

    @Test func gammaGammaFitRecoversItsParameters() throws {
        var generator = SyntheticCustomers(seed: 11)
        let customers = generator.spend(Self.spendTruth, count: 50_000)
        let model = try GammaGamma.fit(frequency: customers.frequency, monetary: customers.monetary).model
        #expect(Self.relativeError(model.p, Self.spendTruth.p) < 0.1, "\(model)")
        #expect(Self.relativeError(model.q, Self.spendTruth.q) < 0.1, "\(model)")
        #expect(Self.relativeError(model.v, Self.spendTruth.v) < 0.15, "\(model)")
        // The mean spend, p·v/(q−1), is pinned far better than p, q and v one by one.
        let meanSpend: Double = model.p * model.v / (model.q - 1)
        let trueMeanSpend: Double = Self.spendTruth.p * Self.spendTruth.v / (Self.spendTruth.q - 1)
        #expect(Self.relativeError(meanSpend, trueMeanSpend) < 0.02)
    }

    @Test func gammaGammaFitDoesNotDependOnTheCurrencyUnit() throws {
        // The same spend in units and in ten-thousandths: p and q agree, v scales with the unit.
        var generator = SyntheticCustomers(seed: 17)
        let customers = generator.spend(Self.spendTruth, count: 20_000)
        let units = try GammaGamma.fit(frequency: customers.frequency, monetary: customers.monetary).model
        let fine = try GammaGamma.fit(frequency: customers.frequency, monetary: customers.monetary.map { $0 * 10_000 }).model
        #expect(Self.relativeError(fine.p, units.p) < 1e-4, "\(units) vs \(fine)")
        #expect(Self.relativeError(fine.q, units.q) < 1e-4, "\(units) vs \(fine)")
        #expect(Self.relativeError(fine.v / 10_000, units.v) < 1e-4, "\(units) vs \(fine)")
    }

    @Test func gammaGammaLikelihoodSplitOverThreadsEqualsOneThread() throws {
        var generator = SyntheticCustomers(seed: 23)
        let customers = generator.spend(Self.spendTruth, count: 5_000)
        let rows = try SpendRows(frequency: customers.frequency, monetary: customers.monetary, weights: nil)
        var split = LifetimeFitOptions()
        split.threads = 2
        split.rowsPerThreadMin = 1
        var single = split
        single.threads = 1
        let point = [log(5.0), log(3.0), log(40.0)]
        var splitGradient: [Double] = [], singleGradient: [Double] = []
        let splitValue = GammaGammaLikelihood(rows: rows, options: split).evaluate(point, gradient: &splitGradient)
        let singleValue = GammaGammaLikelihood(rows: rows, options: single).evaluate(point, gradient: &singleGradient)
        #expect(GammaGammaLikelihood(rows: rows, options: split).threads == 2)
        #expect(Self.relativeError(splitValue, singleValue) < 1e-12)
        for k in 0..<3 { #expect(abs(splitGradient[k] - singleGradient[k]) < 1e-12, "parameter \(k)") }
    }

    @Test func weightsCountAsRepeatedCustomers() throws {
        var generator = SyntheticCustomers(seed: 3)
        let customers = generator.bgnbd(Self.truth, count: 20_000, ageDaysMax: 365)
        let once = try BetaGeometricNBD.fit(frequency: customers.frequency, recency: customers.recency, T: customers.age)
        let weighted = try BetaGeometricNBD.fit(frequency: customers.frequency, recency: customers.recency, T: customers.age,
                                                weights: [Double](repeating: 3, count: customers.frequency.count))
        #expect(Self.relativeError(weighted.model.r, once.model.r) < 1e-6)
        #expect(Self.relativeError(weighted.model.b, once.model.b) < 1e-6)
    }
}

/// Customers drawn from the models' own generative processes, reproducibly from a seed.
struct SyntheticCustomers {
    /// SplitMix64: small, fast and good enough for simulation.
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// BG/NBD customers with ages uniform over 1...ageDaysMax whole days; purchase times are
    /// drawn in continuous time and rounded to the day, as a till records them.
    mutating func bgnbd(_ model: BetaGeometricNBD, count: Int, ageDaysMax: Int) -> (frequency: [Int], recency: [Double], age: [Double]) {
        var frequency = [Int](repeating: 0, count: count)
        var recency = [Double](repeating: 0, count: count)
        var age = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let customerAge = Double(1 + Int(uniform() * Double(ageDaysMax)))
            let rate = gamma(shape: model.r) / model.alpha
            let dropout = beta(model.a, model.b)
            var time = 0.0, last = 0.0, purchases = 0
            while true {
                time += -log(uniform()) / rate
                guard time <= customerAge else { break }
                purchases += 1
                last = time
                if uniform() < dropout { break }
            }
            frequency[i] = purchases
            recency[i] = purchases == 0 ? 0 : min(last.rounded(), customerAge)
            age[i] = customerAge
        }
        return (frequency, recency, age)
    }

    /// Repeat buyers with 1...10 repeat purchases whose values follow the Gamma-Gamma model.
    mutating func spend(_ model: GammaGamma, count: Int) -> (frequency: [Int], monetary: [Double]) {
        var frequency = [Int](repeating: 0, count: count)
        var monetary = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let purchases = 1 + Int(uniform() * 10)
            let rate = gamma(shape: model.q) / model.v
            var total = 0.0
            for _ in 0..<purchases { total += gamma(shape: model.p) / rate }
            frequency[i] = purchases
            monetary[i] = total / Double(purchases)
        }
        return (frequency, monetary)
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on (0, 1), never 0 so that its logarithm is finite.
    private mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    private mutating func normal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang, boosted for shapes below 1.
    private mutating func gamma(shape: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal()
            let v = pow(1 + c * x, 3)
            guard v > 0 else { continue }
            if log(uniform()) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    private mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a)
        return x / (x + gamma(shape: b))
    }
}
