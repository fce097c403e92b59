import Foundation
import Testing
@testable import KassaAnalytics

/// The lifetime models' formulas against numbers computed with the Python `lifetimes` library
/// (0.11.3, with SciPy 1.17 for 2F1), on small hand-made customers.
@Suite struct LifetimeTests {
    /// Six customers: (x, tₓ, T) in days, with and without repeat purchases.
    static let frequency = [0, 1, 2, 5, 0, 3]
    static let recency: [Double] = [0, 10, 35, 80, 0, 20]
    static let age: [Double] = [40, 30, 60, 90, 5, 100]
    static let monetary: [Double] = [0, 20, 35.5, 12, 0, 50]
    static let bgnbd = BetaGeometricNBD(r: 0.5, alpha: 12, a: 0.8, b: 2.5)
    static let gammaGamma = GammaGamma(p: 6, q: 3.7, v: 15)

    static func close(_ value: Double, _ expected: Double, relative: Double = 1e-10) -> Bool {
        abs(value - expected) <= relative * max(1, abs(expected))
    }

    @Test func hypergeometricMatchesSciPy() {
        // scipy.special.hyp2f1(a, b, c, z).
        let cases: [(Double, Double, Double, Double, Double)] = [
            (1, 1, 2, 0.5, 1.3862943611198901),  // −ln(1−z)/z
            (0.5, 0.5, 1.5, 0.25, 1.047197551196598),  // arcsin(√z)/√z
            (2.3, 4.1, 3.7, 0.8, 66.17732486036195),
            (0.24, 2.4, 2.2, 0.3, 1.0989608905778525),
            (5.24, 7.4, 8.2, 0.95, 876685.9325232755),
            (100.24, 102.4, 102.2, 0.9, 2.744620704938798e+100),
            (0.3, 1.2, -0.5, 0.4, -0.06903227499346927),
        ]
        for (a, b, c, z, expected) in cases {
            #expect(Self.close(hypergeometric2F1(a, b, c, z), expected, relative: 1e-12), "2F1(\(a), \(b); \(c); \(z))")
        }
    }

    @Test func hypergeometricOverflowSwitchesToEulersTransformation() {
        // SciPy's hyp2f1(400.5, 402.5, 402.3, 3650/4172) is inf, as is the direct series here;
        // the logarithm still comes out through (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z).
        let z = 3650.0 / (12 + 510 + 3650)
        #expect(hypergeometric2F1(400.5, 402.5, 402.3, z) == .infinity)
        let tail: Double = log(hypergeometric2F1(402.3 - 400.5, 402.3 - 402.5, 402.3, z))
        let transformed: Double = tail + (402.3 - 400.5 - 402.5) * log1p(-z)
        #expect(logHypergeometric2F1(400.5, 402.5, 402.3, z) == transformed)
        #expect(hypergeometric2F1(1, 1, 0, 0.5).isNaN)
    }

    @Test func negativeLogLikelihoodMatchesLifetimes() throws {
        // BetaGeoFitter._negative_log_likelihood(log([0.5, 12, 0.8, 2.5]), x, tₓ, T, weights, 0).
        let unweighted = try Self.bgnbd.negativeLogLikelihood(frequency: Self.frequency, recency: Self.recency, T: Self.age)
        #expect(Self.close(unweighted, 8.236485660501708, relative: 1e-12))
        let weighted = try Self.bgnbd.negativeLogLikelihood(frequency: Self.frequency, recency: Self.recency, T: Self.age,
                                                             weights: [1, 2, 1, 3, 1, 1])
        #expect(Self.close(weighted, 10.796188617895211, relative: 1e-12))
    }

    @Test func identicalCustomersFoldIntoOneWeightedRow() throws {
        let doubled = try Self.bgnbd.negativeLogLikelihood(frequency: Self.frequency + Self.frequency,
                                                            recency: Self.recency + Self.recency, T: Self.age + Self.age)
        let single = try Self.bgnbd.negativeLogLikelihood(frequency: Self.frequency, recency: Self.recency, T: Self.age)
        #expect(Self.close(doubled, single, relative: 1e-14))
        let table = try PurchasePatternTable(frequency: Self.frequency + Self.frequency, recency: Self.recency + Self.recency,
                                             T: Self.age + Self.age, weights: nil)
        #expect(table.rows == 6)
        #expect(table.totalWeight == 12)
        #expect(table.frequencies == [0, 1, 2, 3, 5])
    }

    @Test func likelihoodGradientMatchesFiniteDifferences() throws {
        let table = try PurchasePatternTable(frequency: Self.frequency, recency: Self.recency, T: Self.age, weights: [1, 2, 1, 3, 1, 1])
        let likelihood = BetaGeometricNBDLikelihood(table: table, options: LifetimeFitOptions())
        let point = [log(0.5), log(0.3), log(0.8), log(2.5)]
        var gradient: [Double] = []
        _ = likelihood.evaluate(point, gradient: &gradient)
        for k in 0..<4 {
            var up = point, down = point, ignored: [Double] = []
            up[k] += 1e-6
            down[k] -= 1e-6
            let numeric = (likelihood.evaluate(up, gradient: &ignored) - likelihood.evaluate(down, gradient: &ignored)) / 2e-6
            #expect(abs(numeric - gradient[k]) < 1e-7, "parameter \(k)")
        }
        let rows = try SpendRows(frequency: [1, 2, 5, 3], monetary: [20, 35.5, 12, 50], weights: nil)
        let spend = GammaGammaLikelihood(rows: rows)
        let spendPoint = [log(6.0), log(3.7), log(15.0)]
        _ = spend.evaluate(spendPoint, gradient: &gradient)
        for k in 0..<3 {
            var up = spendPoint, down = spendPoint, ignored: [Double] = []
            up[k] += 1e-6
            down[k] -= 1e-6
            let numeric = (spend.evaluate(up, gradient: &ignored) - spend.evaluate(down, gradient: &ignored)) / 2e-6
            #expect(abs(numeric - gradient[k]) < 1e-7, "parameter \(k)")
        }
    }

    @Test func expectedPurchasesMatchLifetimes() {
        // conditional_expected_number_of_purchases_up_to_time(t, x, tₓ, T) with r 0.5, α 12, a 0.8, b 2.5.
        let expected: [Double: [Double]] = [
            30: [0.2630482187653383, 0.504827650585233, 0.5672627949190718, 1.2215831459013482, 0.6988250151337317, 0.0572313243498544],
            90: [0.6877459050744017, 1.2457449964322458, 1.462539699310025, 3.200923560245104, 1.610699164032967, 0.15278588817184027],
            360: [1.9329651428534187, 3.14530515701587, 3.932370849245879, 8.812051682913474, 3.788065744964879, 0.4368446715924129],
        ]
        for (t, values) in expected {
            for i in values.indices {
                let value = Self.bgnbd.expectedPurchases(t: t, frequency: Self.frequency[i], recency: Self.recency[i], T: Self.age[i])
                #expect(Self.close(value, values[i]), "t \(t), customer \(i)")
            }
        }
        #expect(Self.close(Self.bgnbd.expectedPurchases(t: 3650, frequency: 150, recency: 200, T: 210), 90.80547143, relative: 1e-9))
        // Here lifetimes' direct 2F1 is inf and it takes Euler's transformation.
        #expect(Self.close(Self.bgnbd.expectedPurchases(t: 3650, frequency: 400, recency: 500, T: 510), 184.3406906, relative: 1e-9))
        #expect(Self.bgnbd.expectedPurchases(t: 0, frequency: 3, recency: 20, T: 100) == 0)
    }

    @Test func gammaGammaMatchesLifetimes() throws {
        // GammaGammaFitter._negative_log_likelihood(log([6, 3.7, 15]), x, m, ones, 0); a customer
        // without repeats is left out of the likelihood, as the usual frequency > 0 filter does.
        let nll = try Self.gammaGamma.negativeLogLikelihood(frequency: [1, 2, 0, 5, 3], monetary: [20, 35.5, 0, 12, 50])
        #expect(Self.close(nll, 4.135578122827923, relative: 1e-12))
        // conditional_expected_average_profit(x, m).
        let spends = zip([0, 1, 2, 5], [0.0, 20, 35.5, 12]).map { Self.gammaGamma.expectedAverageSpend(frequency: $0, monetary: $1) }
        for (value, expected) in zip(spends, [33.33333333333333, 24.137931034482754, 35.10204081632653, 13.761467889908259]) {
            #expect(Self.close(value, expected, relative: 1e-14))
        }
    }

    @Test func lifetimeValueMatchesLifetimes() {
        // customer_lifetime_value(bgf, x, tₓ, T, m, time=12, discount_rate=1.1 ** (1/12) - 1, freq="D").
        let expected = [61.669303209008476, 72.84660706964522, 132.25745066280336, 116.13268239070604, 121.35119695436512, 19.991080643224983]
        for i in expected.indices {
            let value = Self.gammaGamma.customerLifetimeValue(transactions: Self.bgnbd, frequency: Self.frequency[i], recency: Self.recency[i],
                                                              T: Self.age[i], monetary: Self.monetary[i], months: 12, annualDiscountRate: 0.1)
            #expect(Self.close(value, expected[i]), "customer \(i)")
        }
    }

    @Test func undiscountedLifetimeValueIsExpectedPurchasesTimesExpectedSpend() throws {
        let model = LifetimeValueModel(transactions: Self.bgnbd, spend: Self.gammaGamma)
        let estimates = try model.estimate(frequency: Self.frequency, recency: Self.recency, T: Self.age, monetary: Self.monetary,
                                           horizonDays: 360, months: 12, annualDiscountRate: 0)
        for i in Self.frequency.indices {
            let product: Double = estimates.expectedPurchases[i] * estimates.expectedAverageSpend[i]
            #expect(Self.close(estimates.customerLifetimeValue[i], product, relative: 1e-12))
        }
        // lifetimes with discount_rate=0 (its value, not a product, so both sides are checked).
        #expect(Self.close(estimates.customerLifetimeValue[3], 121.26676627862581))
        let monthly: Double = pow(1.1, 1.0 / 12) - 1
        #expect(Self.close(GammaGamma.monthlyDiscountRate(annual: 0.1), monthly, relative: 1e-15))
    }

    @Test func batchEstimatesEqualOneByOne() throws {
        let count = 5000
        let frequency: [Int] = (0..<count).map { $0 % 7 }
        let age: [Double] = (0..<count).map { Double(30 + $0 % 300) }
        let recency: [Double] = (0..<count).map { frequency[$0] == 0 ? 0 : Double($0 % 29) }
        let monetary: [Double] = frequency.map { $0 == 0 ? 0 : Double(1000 + 37 * $0) }
        let model = LifetimeValueModel(transactions: Self.bgnbd, spend: Self.gammaGamma)
        let estimates = try model.estimate(frequency: frequency, recency: recency, T: age, monetary: monetary,
                                           horizonDays: 90, months: 6, annualDiscountRate: 0.08)
        for i in stride(from: 0, to: count, by: 97) {
            let purchases: Double = Self.bgnbd.expectedPurchases(t: 90, frequency: frequency[i], recency: recency[i], T: age[i])
            let value: Double = Self.gammaGamma.customerLifetimeValue(transactions: Self.bgnbd, frequency: frequency[i], recency: recency[i],
                                                                      T: age[i], monetary: monetary[i], months: 6, annualDiscountRate: 0.08)
            #expect(estimates.expectedPurchases[i] == purchases)
            #expect(estimates.customerLifetimeValue[i] == value)
        }
    }

    @Test func fitsWithoutCustomersOrRepeatBuyersFailWithAReason() {
        #expect(throws: LifetimeFitError.self) { try BetaGeometricNBD.fit(frequency: [], recency: [], T: []) }
        do {
            _ = try GammaGamma.fit(frequency: [0, 0], monetary: [0, 0])
            Issue.record("fitted Gamma-Gamma without repeat buyers")
        } catch {
            #expect(error.code == .noRepeatBuyers)
            #expect(error.message.contains("repeat"))
        }
        do {
            _ = try BetaGeometricNBD.fit(frequency: [1, 0], recency: [50, 0], T: [40, 10])
            Issue.record("fitted a customer whose recency is beyond its age")
        } catch {
            #expect(error.code == .invalidCustomer)
            #expect(error.message.contains("position 0"))
        }
    }
}
