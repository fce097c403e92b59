// Projection benchmark: (d) the background projector's work per receipt, journal records of
// 30-line sales read, decoded and written into a fresh SQLite history, as `kassa serve` does
// on its projector thread while the tills ring up.
//
// Both the journal and the database live in a fresh directory under the system temporary
// directory, removed at teardown.

import Benchmark
import Foundation
import Glibc
import KassaBenchSupport
import KassaCore
import KassaJournal

enum ProjectionMetric {
    static let cpuPerReceipt = BenchmarkMetric.custom("projector CPU per receipt (µs)", polarity: .prefersSmaller, useScalingFactor: false)
}

/// List prices with what a loyalty programme adds to a sale's rows: every third line
/// discounted by a tenth under a rule of its category, and points earned on the total.
struct DiscountEveryThirdLine: SalePricing {
    let list = ListPricing()

    func validate(rules document: String) throws(LedgerError) { try list.validate(rules: document) }

    func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
               today: Int32) throws(LedgerError) -> PricedSale {
        var sale = try list.price(receipt, customer: customer, catalog: catalog, rules: rules, today: today)
        for index in stride(from: 0, to: sale.lines.count, by: 3) {
            sale.lines[index].discount = sale.lines[index].amount / 10
            sale.lines[index].rules = ["promo-\(sale.lines[index].category)-10"]
        }
        if customer != nil { sale.pointsEarned = sale.total / 1_000 }
        return sale
    }

    /// The discount `price` gives, for the payment that settles the receipt.
    static func discount(of receipt: Receipt) -> Int64 {
        stride(from: 0, to: receipt.lines.count, by: 3).reduce(0) { sum, index in
            sum + (receipt.lines[index].qty.amount(price: receipt.lines[index].price) ?? 0) / 10
        }
    }
}

/// A journal of the catalog, `customers` enrolments and `sales` 30-line sales, written once.
final class ProjectionRun: @unchecked Sendable {
    let directory = freshDirectory("projection")
    var journalDirectory: String { directory + "/journal" }
    /// The last record before the first sale: projected before the measurement starts.
    let lastSetupSeq: UInt64
    let lastSeq: UInt64
    var iteration = 0

    init(customers: Int, sales: Int) throws {
        let products = Workload.catalog(count: Shape.products)
        let baskets = Workload.baskets(count: 4096, linesPerReceipt: Shape.linesPerReceipt, products: products)
        let writer = try Journal.open(directory: directory + "/journal", options: JournalWriter.Options()).writer
        var ledger = Ledger()
        var buffer = BinaryWriter(capacity: 1 << 16)
        let pricing = DiscountEveryThirdLine()
        func journal(_ command: LedgerCommand, at: Timestamp) throws {
            let outcome = ledger.apply(command, at: at, pricing: pricing)
            guard case .applied(let entry, _) = outcome else { fatalError("the ledger refused a command: \(outcome)") }
            buffer.reset()
            LedgerEntryCodec.encode(entry, into: &buffer)
            try writer.ensureCapacity(forPayloadBytes: buffer.bytes.count)
            _ = try buffer.bytes.withUnsafeBytes { try writer.append($0) }
            if entry.seq % 4096 == 0 { try writer.flush() }
        }
        try journal(.upsertProducts(products), at: Workload.opening)
        for index in 0..<customers { try journal(.enrol(Workload.customer(index)), at: Workload.opening) }
        lastSetupSeq = ledger.lastSeq
        for number in 0..<sales {
            var receipt = Workload.receipt(number, baskets: baskets, customers: customers)
            receipt.payments[0].amount -= DiscountEveryThirdLine.discount(of: receipt)
            try journal(.sale(receipt), at: receipt.at)
        }
        try writer.flush()
        try writer.sync()
        lastSeq = writer.lastSeq
    }

    /// A new, empty projection database for the next iteration.
    func freshStore() throws -> ProjectionStore {
        iteration += 1
        let path = directory + "/kassa-\(iteration).sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return try ProjectionStore(path: path)
    }

    func removeStore(_ store: ProjectionStore) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }
    }
}

/// CPU time this thread has used, in microseconds: the projection runs on the calling thread
/// (SQLite starts no threads of its own).
func threadCPUMicroseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000
}

nonisolated(unsafe) var currentProjectionDirectory: String?

func projectionBenchmarks() {
    // (d) 30,000 sales of 30 lines (a third of them discounted, every other one with a card)
    // after 20,000 enrolments, in transactions of 1,000 records: about what the projector
    // finds in the journal at each 200 ms poll while the load test's tills ring up.
    let sales = 30_000
    Benchmark(
        "history projection: 30,000 sales of 30 lines",
        configuration: .init(
            metrics: [.wallClock, KassaMetric.receiptsPerSecond, ProjectionMetric.cpuPerReceipt],
            warmupIterations: 1,
            maxDuration: .seconds(60),
            maxIterations: 5
        )
    ) { (benchmark, run: ProjectionRun) in
        let store = try run.freshStore()
        defer { run.removeStore(store) }
        let reader = JournalReader(directory: run.journalDirectory, from: 1, recordBytesMax: 1 << 20)
        try store.projectHistory(from: reader, upTo: run.lastSetupSeq, batchMax: 5_000)
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        let cpuStart = threadCPUMicroseconds()
        let projected = try store.projectHistory(from: reader, upTo: run.lastSeq, batchMax: 1_000)
        let cpu = threadCPUMicroseconds() - cpuStart
        let elapsed = start.duration(to: clock.now)
        benchmark.stopMeasurement()
        benchmark.measurement(KassaMetric.receiptsPerSecond, Int(Double(projected) / seconds(elapsed)))
        benchmark.measurement(ProjectionMetric.cpuPerReceipt, Int(cpu) / max(1, projected))
        guard projected == sales, try store.positions().historySeq == run.lastSeq else {
            benchmark.error("projected \(projected) of \(sales) sales")
            return
        }
    } setup: {
        let run = try ProjectionRun(customers: 20_000, sales: sales)
        currentProjectionDirectory = run.directory
        return run
    } teardown: {
        if let directory = currentProjectionDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }
}
