// Analytics benchmarks:
// - full segmentation (RFM, ABC/XYZ of products and of customers, BG/NBD and Gamma-Gamma
//   lifetime values) of 10,000,000 customers with 200,000,000 history lines: target ≤ 20 s.
//   ABC/XYZ here is the classes of every product and customer (`ABCXYZReport.classes`), not the
//   report's rendered rows;
// - each report over a year of one hypermarket's receipts: target ≤ 200 ms.
//
// The input is the analytics facts the history folds into (`AnalyticsFacts`), generated
// directly from a seed: what `AnalyticsStore` holds after reading that history from SQLite.
// Reading it is a separate, incremental cost (the store folds new history as it arrives) and is
// not part of these figures.

import Benchmark
import Foundation
import KassaAnalytics
import KassaCore

enum AnalyticsMetric {
    static let rfmAndValue = BenchmarkMetric.custom("RFM + lifetime values (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    static let abcProducts = BenchmarkMetric.custom("ABC/XYZ products (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    static let abcCustomers = BenchmarkMetric.custom("ABC/XYZ customers (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    static let purchaseFitEvaluations = BenchmarkMetric.custom("BG/NBD fit evaluations", polarity: .prefersSmaller, useScalingFactor: false)
    static let spendFitEvaluations = BenchmarkMetric.custom("Gamma-Gamma fit evaluations", polarity: .prefersSmaller, useScalingFactor: false)
}

func milliseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
}

/// The whole period of a history, as a report query.
func wholePeriod(_ shape: HistoryShape) -> ReportQuery {
    let last = SyntheticHistory.asOf.daysSinceEpoch
    return ReportQuery(from: last - Int32(shape.days) + 1, to: last, asOf: last)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("segmentation: 10M customers, 200M lines (RFM, ABC/XYZ, CLV)",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, AnalyticsMetric.rfmAndValue,
                                             AnalyticsMetric.abcProducts, AnalyticsMetric.abcCustomers,
                                             AnalyticsMetric.purchaseFitEvaluations, AnalyticsMetric.spendFitEvaluations],
                                   warmupIterations: 0, maxDuration: .seconds(300), maxIterations: 2)) { (benchmark, facts: AnalyticsFacts) in
        let clock = ContinuousClock()
        let query = wholePeriod(.chain)
        benchmark.startMeasurement()
        let started = clock.now
        let (snapshot, values) = Segmentation.compute(facts, asOf: SyntheticHistory.asOf, options: AnalyticsOptions(), number: 1,
                                                      computedAt: Timestamp(epochMilliseconds: 0))
        let segmented = clock.now
        let products = ABCXYZReport.classes(facts, query, subject: .products)
        let classified = clock.now
        let customers = ABCXYZReport.classes(facts, query, subject: .customers)
        let finished = clock.now
        benchmark.stopMeasurement()
        benchmark.measurement(AnalyticsMetric.rfmAndValue, milliseconds(segmented - started))
        benchmark.measurement(AnalyticsMetric.abcProducts, milliseconds(classified - segmented))
        benchmark.measurement(AnalyticsMetric.abcCustomers, milliseconds(finished - classified))
        benchmark.measurement(AnalyticsMetric.purchaseFitEvaluations, values.transactions?.evaluations ?? 0)
        benchmark.measurement(AnalyticsMetric.spendFitEvaluations, values.spend?.evaluations ?? 0)
        if values.transactions == nil || values.spend == nil { benchmark.error("lifetime models not fitted: \(values.note ?? "")") }
        blackHole(snapshot.customers.count + products.items.count + customers.items.count)
    } setup: {
        SyntheticHistory.facts(.chain)
    }

    let reports: [(String, @Sendable (AnalyticsFacts, ReportQuery) -> ReportTable)] = [
        ("kpi by day", { KPIReport.compute($0, $1, granularity: .day) }),
        ("kpi by week", { KPIReport.compute($0, $1, granularity: .week) }),
        ("funnel", { FunnelReport.compute($0, $1, regularVisits: 4, regularDays: 30) }),
        ("sources", { SourcesReport.compute($0, $1) }),
        ("cohorts", { CohortReport.compute($0, $1) }),
        ("abc-xyz products", { ABCXYZReport.compute($0, $1, subject: .products) }),
        ("abc-xyz customers", { ABCXYZReport.compute($0, $1, subject: .customers) }),
        ("birthdays (14 days)", { BirthdayReport.compute($0, $1, days: 14) }),
    ]
    for (name, report) in reports {
        Benchmark("report over a hypermarket's year: \(name)",
                  configuration: .init(metrics: [.wallClock], warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 20)) {
            (benchmark, facts: AnalyticsFacts) in
            let query = wholePeriod(.hypermarketYear)
            benchmark.startMeasurement()
            blackHole(report(facts, query).rows.count)
            benchmark.stopMeasurement()
        } setup: {
            YearOfAHypermarket.facts
        }
    }
}

/// The hypermarket's year, built once for all the report benchmarks.
enum YearOfAHypermarket {
    static let facts = SyntheticHistory.facts(.hypermarketYear)
}
