// swift-tools-version:6.1
import PackageDescription

// Benchmarks for kassa, kept in their own package so that the main package stays free of the
// benchmark dependencies. Run from this directory:
//   swift package --allow-writing-to-package-directory benchmark            # every target
//   swift package --allow-writing-to-package-directory benchmark --target LedgerBenchmarks
//
// ordo-one/benchmark 1.38.1 on Linux with Swift 6.3 also wants ordo-one/swift-runtime-interposer
// under its default trait "RuntimeInterposer". Naming the traits explicitly replaces the
// defaults, so only "MallocInterposer" is on and that dependency is never resolved (it is not in
// the local package mirror). ARC counters (retain/release) are therefore not measured on Linux.
let package = Package(
    name: "KassaBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `name:` because a path package's identity is its folder's name ("main" in one checkout,
        // anything in another); the products are referenced with package: "kassa".
        .package(name: "kassa", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: []
)

// Synthetic store data (catalog, customers, receipts) shared by every suite.
package.targets += [
    .target(
        name: "KassaBenchSupport",
        dependencies: [.product(name: "KassaCore", package: "kassa")],
        path: "Sources/KassaBenchSupport"
    )
]

// One executable target per suite, sources in Benchmarks/<Target>/, as the benchmark plugin expects.

// In-memory Ledger: apply throughput, 10M customers resident; SQLite baseline.
package.targets += [
    .executableTarget(
        name: "LedgerBenchmarks",
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "KassaCore", package: "kassa"),
            .product(name: "GRDB", package: "GRDB.swift"),
            "KassaBenchSupport",
        ],
        path: "Benchmarks/LedgerBenchmarks",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
]

// The journal: durable group commit from 16 producers, recovery replay.
package.targets += [
    .executableTarget(
        name: "JournalBenchmarks",
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "KassaCore", package: "kassa"),
            .product(name: "KassaJournal", package: "kassa"),
            "KassaBenchSupport",
        ],
        path: "Benchmarks/JournalBenchmarks",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
]

// The loyalty engine: quotes of 30-line baskets under 50 rules with 10M customers loaded.
package.targets += [
    .executableTarget(
        name: "LoyaltyBenchmarks",
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "KassaCore", package: "kassa"),
            .product(name: "KassaLoyalty", package: "kassa"),
            "KassaBenchSupport",
        ],
        path: "Benchmarks/LoyaltyBenchmarks",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
]

// Analytics: full segmentation of 10M customers with 200M history lines; each report over a
// year of one hypermarket.
package.targets += [
    .executableTarget(
        name: "AnalyticsBenchmarks",
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "KassaCore", package: "kassa"),
            .product(name: "KassaAnalytics", package: "kassa"),
        ],
        path: "Benchmarks/AnalyticsBenchmarks",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
]
