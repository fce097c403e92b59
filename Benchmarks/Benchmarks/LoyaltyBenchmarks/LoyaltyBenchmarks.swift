// Loyalty benchmarks: a quote of a 30-line basket for a card customer, under a programme of 50
// active rules, with 10,000,000 customers in the Ledger: target p99 ≤ 20 µs and ≥ 200,000
// quotes a second on one core.
//
// A quote is what `POST /v1/quotes` does under the Ledger's read lock: the basket checked and
// its customer found (`Ledger.checkBasket`), then priced by the compiled programme
// (`PricingProgram.quote`: discounts per line with rule ids, points, tier, near misses). The
// JSON around it is not included.

import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import KassaBenchSupport
import KassaCore
import KassaLoyalty

enum KassaMetric {
    static let quotesPerSecond = BenchmarkMetric.custom("quotes/s", polarity: .prefersLarger, useScalingFactor: false)
    static let quoteP50 = BenchmarkMetric.custom("quote p50 (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    static let quoteP99 = BenchmarkMetric.custom("quote p99 (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    /// This thread's CPU time per quote: what "quotes a second on one core" means, and steady
    /// when other work shares the machine's cores (the wall-clock figures are not).
    static let quoteCPU = BenchmarkMetric.custom("quote CPU (ns)", polarity: .prefersSmaller, useScalingFactor: false)
}

/// CPU time the calling thread has used, in nanoseconds.
func threadCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

enum Shape {
    static let products = 20_000
    static let customers = 10_000_000
    static let linesPerReceipt = 30
    static let quotesPerIteration = 10_000
}

/// The store and its programme, built once per process.
final class QuoteRun: @unchecked Sendable {
    let ledger: Ledger
    let program: PricingProgram
    let baskets: [Workload.Basket]
    var next = 0

    init() {
        let products = Workload.catalog(count: Shape.products)
        baskets = Workload.baskets(count: 4096, linesPerReceipt: Shape.linesPerReceipt, products: products)
        program = PricingProgram(Programme.fiftyRules(products: products), version: 1)
        ledger = Programme.ledger(products: products, customers: Shape.customers)
    }
}

/// Every receipt carries a card: the customer rules, tiers and points all run.
@inline(never)
func quoteAll(_ receipts: [Receipt], run: QuoteRun, latencies: inout [UInt64]) -> Int {
    let clock = ContinuousClock()
    var refused = 0
    for receipt in receipts {
        let start = clock.now
        do {
            let account = try run.ledger.checkBasket(receipt)
            let quote = try run.program.quote(receipt, customer: account, catalog: run.ledger.catalog, today: receipt.at.localDay)
            blackHole(quote)
        } catch {
            refused += 1
        }
        let took = start.duration(to: clock.now)
        latencies.append(UInt64(took.components.attoseconds / 1_000_000_000) + UInt64(took.components.seconds) * 1_000_000_000)
    }
    return refused
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "quote: 30-line basket, 50 rules, 10M customers",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident,
                      KassaMetric.quotesPerSecond, KassaMetric.quoteP50, KassaMetric.quoteP99, KassaMetric.quoteCPU],
            warmupIterations: 2,
            maxDuration: .seconds(10),
            maxIterations: 50
        )
    ) { (benchmark, run: QuoteRun) in
        var receipts: [Receipt] = []
        receipts.reserveCapacity(Shape.quotesPerIteration)
        for _ in 0..<Shape.quotesPerIteration {
            var receipt = Workload.receipt(run.next, baskets: run.baskets, customers: Shape.customers)
            // A card on every quote, spread over all ten million customers.
            receipt.customer = Workload.card(Int(UInt64(run.next &* 2_654_435_761) % UInt64(Shape.customers)))
            receipt.payments = []
            receipts.append(receipt)
            run.next += 1
        }
        var latencies: [UInt64] = []
        latencies.reserveCapacity(receipts.count)
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        let cpuStart = threadCPUNanoseconds()
        let refused = quoteAll(receipts, run: run, latencies: &latencies)
        let cpu = threadCPUNanoseconds() - cpuStart
        let elapsed = start.duration(to: clock.now)
        benchmark.stopMeasurement()
        latencies.sort()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(KassaMetric.quotesPerSecond, Int(Double(receipts.count) / seconds))
        benchmark.measurement(KassaMetric.quoteP50, Int(latencies[latencies.count / 2]))
        benchmark.measurement(KassaMetric.quoteP99, Int(latencies[latencies.count * 99 / 100]))
        benchmark.measurement(KassaMetric.quoteCPU, Int(cpu) / receipts.count)
        if refused > 0 { benchmark.error("\(refused) quotes were refused") }
    } setup: {
        QuoteRun()
    }
}
