// Ledger benchmarks: (a) apply throughput, (d) ten million customers resident, and the SQLite
// baseline a retailer would otherwise write (SQLiteBaseline.swift).
//
// Every benchmark runs in its own process (the benchmark tool spawns one per benchmark), so the
// resident-memory numbers of one are not inflated by another. Heavy fixtures are built in the
// setup closures, never in this top-level closure: it also runs when the tool lists benchmarks.

import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import KassaBenchSupport
import KassaCore

/// Custom metrics shown next to the built-in ones.
enum KassaMetric {
    /// Receipt lines applied (or committed) per second of measured wall time.
    static let linesPerSecond = BenchmarkMetric.custom("lines/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Receipt lines applied per second of this thread's CPU time: what "on one core" means,
    /// and steady when other work shares the machine's cores (wall time is not).
    static let linesPerCPUSecond = BenchmarkMetric.custom("lines/s of CPU", polarity: .prefersLarger, useScalingFactor: false)
}

/// CPU time the calling thread has used, in nanoseconds.
func threadCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// The shape of the store used by (a) and the baseline.
enum Store {
    static let products = 20_000
    static let customers = 1_000_000
    static let linesPerReceipt = 30
    /// Distinct baskets cycled through; receipts get fresh ids, so none is a retry.
    static let baskets = 4_096
}

/// Ledger state carried across iterations of one benchmark.
final class LedgerRun: @unchecked Sendable {
    var ledger: Ledger
    let baskets: [Workload.Basket]
    var nextReceipt = 0

    init() {
        let products = Workload.catalog(count: Store.products)
        ledger = .benchmarkBase(products: products, customers: Store.customers)
        baskets = Workload.baskets(count: Store.baskets, linesPerReceipt: Store.linesPerReceipt, products: products)
    }
}

extension Ledger {
    /// A ledger with `products` in its catalog and `customers` enrolled, every one through `apply`.
    static func benchmarkBase(products: [Product], customers: Int) -> Ledger {
        var ledger = Ledger()
        let pricing = ListPricing()
        for chunk in stride(from: 0, to: products.count, by: 10_000) {
            let batch = Array(products[chunk..<min(chunk + 10_000, products.count)])
            guard case .applied = ledger.apply(.upsertProducts(batch), at: Workload.opening, pricing: pricing) else {
                fatalError("catalog upsert refused")
            }
        }
        ledger.enrol(0..<customers)
        _ = ledger.takeChanges()
        return ledger
    }

    /// Enrols customers `range` through `apply`, handing over the change set every million
    /// enrolments as the periodic incremental snapshot would.
    mutating func enrol(_ range: Range<Int>) {
        let pricing = ListPricing()
        for index in range {
            let customer = Workload.customer(index)
            guard case .applied = apply(.enrol(customer), at: customer.enrolledAt, pricing: pricing) else {
                fatalError("enrolment \(index) refused")
            }
            if index % 1_000_000 == 999_999 { _ = takeChanges() }
        }
    }
}

/// Applies every receipt; returns how many were not `.applied`.
@inline(never)
func applySales(_ receipts: [Receipt], to ledger: inout Ledger) -> Int {
    let pricing = ListPricing()
    var refused = 0
    for receipt in receipts {
        if case .applied = ledger.apply(.sale(receipt), at: receipt.at, pricing: pricing) {} else { refused += 1 }
    }
    return refused
}

/// Per second of `elapsed`, as an integer metric value.
func perSecond(_ count: Int, _ elapsed: Duration) -> Int {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Int((Double(count) / seconds).rounded())
}

let benchmarks: @Sendable () -> Void = {
    // (a) One iteration applies 1,000 receipts of 30 lines (scalingFactor .kilo): `throughput`
    // and the time metrics marked * are per receipt; `lines/s` counts lines (×30), unscaled.
    // Receipts are built before startMeasurement; only `Ledger.apply` is timed. The ledger
    // keeps every receipt in its index (default limits), so it grows by 1,000 receipts an
    // iteration, as during a trading day (about 0.7 KB resident per 30-line receipt held).
    Benchmark(
        "apply 30-line receipts",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident,
                      KassaMetric.linesPerSecond, KassaMetric.linesPerCPUSecond],
            warmupIterations: 5,
            scalingFactor: .kilo,
            maxDuration: .seconds(5),
            maxIterations: 200
        )
    ) { benchmark, run in
        var receipts: [Receipt] = []
        receipts.reserveCapacity(benchmark.scaledIterations.count)
        for _ in benchmark.scaledIterations {
            receipts.append(Workload.receipt(run.nextReceipt, baskets: run.baskets, customers: Store.customers))
            run.nextReceipt += 1
        }
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        let cpuStart = threadCPUNanoseconds()
        let refused = applySales(receipts, to: &run.ledger)
        let cpu = threadCPUNanoseconds() - cpuStart
        let elapsed = start.duration(to: clock.now)
        benchmark.stopMeasurement()
        let lines = receipts.count * Store.linesPerReceipt
        benchmark.measurement(KassaMetric.linesPerSecond, perSecond(lines, elapsed))
        benchmark.measurement(KassaMetric.linesPerCPUSecond, perSecond(lines, .nanoseconds(Int64(max(cpu, 1)))))
        if refused > 0 { benchmark.error("\(refused) receipts were not applied") }
    } setup: {
        LedgerRun()
    }

    // (d) Ten million customers in one Ledger, one iteration each; peakMemoryResident is the
    // whole process (the benchmark runtime adds ~25 MB; the malloc interposer adds 16 bytes to
    // every allocation, so subtract about 16 B × the malloc count to get the plain-libc figure).
    let residentConfiguration = Benchmark.Configuration(
        metrics: [.peakMemoryResident, .peakMemoryResidentDelta, .wallClock, .mallocCountTotal],
        units: [.peakMemoryResident: .mega, .peakMemoryResidentDelta: .mega],
        warmupIterations: 0,
        maxDuration: .seconds(1),
        maxIterations: 1
    )

    // Enrolment only, every customer through `apply(.enrol)`: profile fields filled, no purchases.
    Benchmark("10M customers resident: enrol via apply", configuration: residentConfiguration) { benchmark in
        var ledger = Ledger()
        ledger.enrol(0..<10_000_000)
        if ledger.customers.count != 10_000_000 { benchmark.error("enrolled \(ledger.customers.count)") }
        blackHole(ledger)
    }

    // As recovery loads a snapshot: every customer enrolled and with the aggregates of one sale
    // (one day of activity, three categories), put in place with `Ledger.load`.
    Benchmark("10M customers resident: load with one sale each", configuration: residentConfiguration) { benchmark in
        var table = CustomerTable()
        table.reserve(10_000_000)
        let day = Workload.opening.localDay
        let categories = ["dairy", "bakery", "meat", "produce", "grocery", "drinks", "household", "frozen"]
        for index in 0..<10_000_000 {
            var account = CustomerAccount(profile: Workload.customer(index))
            let spend = Int64(500_00 + index % 300_000)
            account.visits = 1
            account.lifetimeSpend = spend
            account.firstVisitDay = day - Int32(index % 400)
            account.lastVisitDay = account.firstVisitDay
            account.recentDays = [DayActivity(day: day - Int32(index % 400), visits: 1, spend: spend)]
            account.categorySpend = (0..<3).map {
                CategorySpend(category: categories[(index + $0) % categories.count], spend: spend / 3)
            }
            table.insert(account)
        }
        var stats = LedgerStats()
        stats.customers = 10_000_000
        var catalog = Catalog()
        catalog.upsertLoaded(Workload.catalog(count: Store.products))
        var ledger = Ledger()
        ledger.load(customers: table, catalog: catalog, shifts: [:], stats: stats)
        table = CustomerTable()
        if ledger.customers.count != 10_000_000 { benchmark.error("loaded \(ledger.customers.count)") }
        blackHole(ledger)
    }

    sqliteBaseline()
}
