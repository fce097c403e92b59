// Journal benchmarks: (b) durable group-committed appends of 30-line receipts from 16
// concurrent producers, every answer after fdatasync; (c) recovery replay of a journal; (d) the
// projection of the history into SQLite (ProjectionBenchmarks.swift).
//
// The journal lives in a fresh directory under the system temporary directory (the same disk
// as the SQLite baseline in LedgerBenchmarks), removed at teardown.

import Benchmark
import Foundation
import Synchronization
import KassaBenchSupport
import KassaCore
import KassaJournal

enum KassaMetric {
    static let receiptsPerSecond = BenchmarkMetric.custom("receipts/s", polarity: .prefersLarger, useScalingFactor: false)
    static let commitP50 = BenchmarkMetric.custom("commit p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    static let commitP99 = BenchmarkMetric.custom("commit p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    static let recordsPerSecond = BenchmarkMetric.custom("records/s", polarity: .prefersLarger, useScalingFactor: false)
    static let batch = BenchmarkMetric.custom("commands per fsync", polarity: .prefersLarger, useScalingFactor: false)
    static let decodeCPU = BenchmarkMetric.custom("read and decode CPU (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    static let recordCPU = BenchmarkMetric.custom("record CPU (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    static let readingThreadCPU = BenchmarkMetric.custom("reading thread CPU (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    static let recordingThreadCPU = BenchmarkMetric.custom("recording thread CPU (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    static let pageFaults = BenchmarkMetric.custom("page faults (thousands)", polarity: .prefersSmaller, useScalingFactor: false)
    static let writerCPU = BenchmarkMetric.custom("writer CPU per receipt (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    static let appendCPU = BenchmarkMetric.custom("appending CPU per receipt (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    static let syncCPU = BenchmarkMetric.custom("syncing CPU per receipt (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    /// Every thread's, producers' too: times the receipts a second, how much of the machine's
    /// two cores the run used.
    static let processCPU = BenchmarkMetric.custom("process CPU per receipt (ns)", polarity: .prefersSmaller, useScalingFactor: false)
}

enum Shape {
    static let products = 20_000
    static let customers = 100_000
    static let linesPerReceipt = 30
    static let producers = 16
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func freshDirectory(_ label: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-bench-\(label)-\(ProcessInfo.processInfo.processIdentifier)").path
    try? FileManager.default.removeItem(atPath: path)
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Counts fsyncs (batches) for the "commands per fsync" figure.
final class BatchCounter: CommitObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var batches = 0
    private var records = 0
    func applied(_ entry: LedgerEntry) {}
    func committed(records: Int, bytes: Int, duration: Duration, lastSeq: UInt64) {
        lock.lock(); batches += 1; self.records += records; lock.unlock()
    }
    func failed(_ reason: StorageUnavailable) {}
    func take() -> (batches: Int, records: Int) {
        lock.lock(); defer { batches = 0; records = 0; lock.unlock() }
        return (batches, records)
    }
}

/// An open journal with a catalog and customers, and the baskets producers ring up.
final class DurableRun: @unchecked Sendable {
    let directory = freshDirectory("commit")
    let committer: GroupCommitter
    let writer: JournalWriter
    let baskets: [Workload.Basket]
    let counter = BatchCounter()
    var nextReceipt = 0

    init() throws {
        let products = Workload.catalog(count: Shape.products)
        baskets = Workload.baskets(count: 4096, linesPerReceipt: Shape.linesPerReceipt, products: products)
        writer = try Journal.open(directory: directory + "/journal", options: JournalWriter.Options()).writer
        var options = GroupCommitter.Options()
        options.durability = .fsync
        committer = GroupCommitter(ledger: Ledger(), log: writer, pricing: ListPricing(), options: options,
                                   observer: counter, clock: { Workload.opening })
        committer.start()
        let gate = DispatchSemaphore(value: 0)
        committer.submit(.upsertProducts(products)) { _ in gate.signal() }
        gate.wait()
        // In chunks: the queue refuses more than `queueCommandsMax` waiting commands.
        for chunk in stride(from: 0, to: Shape.customers, by: 10_000) {
            let last = min(chunk + 10_000, Shape.customers) - 1
            for index in chunk...last {
                committer.submit(.enrol(Workload.customer(index))) { outcome in
                    guard case .done = outcome else { fatalError("enrolment \(index): \(outcome)") }
                    if index == last { gate.signal() }
                }
            }
            gate.wait()
        }
        _ = counter.take()
    }

    func close() {
        committer.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `perProducer` receipts from each of 16 producer threads, each keeping `window`
/// commands in flight (1: a till waiting for every answer). Returns the latency of every
/// commit (submit to answer) in nanoseconds, and the wall time.
func ringUp(_ run: DurableRun, perProducer: Int, window: Int) -> (latencies: [UInt64], elapsed: Duration, failures: Int) {
    let first = run.nextReceipt
    run.nextReceipt += perProducer * Shape.producers
    let receipts = (0..<(perProducer * Shape.producers)).map { Workload.receipt(first + $0, baskets: run.baskets, customers: Shape.customers) }
    let all = Tally()
    let done = DispatchGroup()
    let clock = ContinuousClock()
    let start = clock.now
    for producer in 0..<Shape.producers {
        done.enter()
        let thread = Thread {
            let slots = DispatchSemaphore(value: window)
            let finished = DispatchGroup()
            let mine = Tally()
            for k in 0..<perProducer {
                slots.wait()
                finished.enter()
                let submitted = clock.now
                run.committer.submit(.sale(receipts[producer * perProducer + k])) { outcome in
                    let took = submitted.duration(to: clock.now)
                    var ok = false
                    if case .done = outcome { ok = true } else if firstFailure.withLock({ $0 == nil }) {
                        firstFailure.withLock { $0 = "\(outcome)" }
                    }
                    mine.add(UInt64(seconds(took) * 1e9), ok: ok)
                    slots.signal()
                    finished.leave()
                }
            }
            finished.wait()
            all.merge(mine)
            done.leave()
        }
        thread.start()
    }
    done.wait()
    let elapsed = start.duration(to: clock.now)
    return (all.latencies, elapsed, all.failures)
}

/// Commit latencies and failures, shared between threads under a lock.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var latencies: [UInt64] = []
    private(set) var failures = 0

    func add(_ nanoseconds: UInt64, ok: Bool) {
        lock.lock()
        latencies.append(nanoseconds)
        if !ok { failures += 1 }
        lock.unlock()
    }

    func merge(_ other: Tally) {
        lock.lock()
        latencies.append(contentsOf: other.latencies)
        failures += other.failures
        lock.unlock()
    }
}

/// The run of this process (each benchmark runs in its own process), for teardown.
nonisolated(unsafe) var currentDurableRun: DurableRun?
let firstFailure = Mutex<String?>(nil)
nonisolated(unsafe) var currentReplayDirectory: String?

func percentile(_ sorted: [UInt64], _ p: Double) -> Int {
    guard !sorted.isEmpty else { return 0 }
    return Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] / 1000)
}

/// A journal of `count` 30-line sales (with the catalog and customers first), written once.
final class ReplayRun: @unchecked Sendable {
    let directory = freshDirectory("replay")
    let records: Int

    init(sales count: Int) throws {
        let products = Workload.catalog(count: Shape.products)
        let baskets = Workload.baskets(count: 4096, linesPerReceipt: Shape.linesPerReceipt, products: products)
        let writer = try Journal.open(directory: directory + "/journal", options: JournalWriter.Options()).writer
        var ledger = Ledger()
        var buffer = BinaryWriter(capacity: 1 << 16)
        func journal(_ command: LedgerCommand, at: Timestamp) throws {
            guard case .applied(let entry, _) = ledger.apply(command, at: at, pricing: ListPricing()) else { fatalError("refused") }
            buffer.reset()
            LedgerEntryCodec.encode(entry, into: &buffer)
            try writer.ensureCapacity(forPayloadBytes: buffer.bytes.count)
            _ = try buffer.bytes.withUnsafeBytes { try writer.append($0) }
            if entry.seq % 4096 == 0 { try writer.flush() }
        }
        try journal(.upsertProducts(products), at: Workload.opening)
        for index in 0..<Shape.customers { try journal(.enrol(Workload.customer(index)), at: Workload.opening) }
        for number in 0..<count {
            let receipt = Workload.receipt(number, baskets: baskets, customers: Shape.customers)
            try journal(.sale(receipt), at: receipt.at)
        }
        try writer.flush()
        try writer.sync()
        records = Int(writer.lastSeq)
    }

    /// The recovery benchmarks' journal of 200,000 sales, remembered for `removeCurrent()`.
    static func make() throws -> ReplayRun {
        let run = try ReplayRun(sales: 200_000)
        currentReplayDirectory = run.directory
        return run
    }

    /// Removes the journal `make()` wrote last.
    static func removeCurrent() {
        if let directory = currentReplayDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

let benchmarks: @Sendable () -> Void = {
    // (b) Durable group commit, 16 producers. Each iteration rings up 16 × 1,000 receipts of 30
    // lines; every answer comes after the batch holding it is fdatasync'ed. Three shapes:
    // window 1, each producer waits for every answer (a till): each receipt then waits for the
    // fsync under way and its own, so 16 producers cannot pass about 16 ÷ two fsyncs; window
    // 8, each producer keeps 8 receipts in flight (a lane agent sending its store-and-forward
    // queue, or a proxy with many tills behind it), 128 in all, few enough to keep a commit
    // within a couple of milliseconds at full speed; window 64, 1,024 in flight, where the
    // commit latency is that many receipts' worth of the writer's time.
    for window in [1, 8, 64] {
        Benchmark(
            "durable group commit: 16 producers, window \(window)",
            configuration: .init(
                metrics: [.wallClock, KassaMetric.receiptsPerSecond, KassaMetric.commitP50, KassaMetric.commitP99, KassaMetric.batch,
                          KassaMetric.writerCPU, KassaMetric.appendCPU, KassaMetric.syncCPU, KassaMetric.processCPU],
                warmupIterations: 1,
                maxDuration: .seconds(20),
                maxIterations: 5
            )
        ) { (benchmark, run: DurableRun) in
            let cpuBefore = committerThreadsCPU()
            let processBefore = processCPUTime()
            benchmark.startMeasurement()
            let result = ringUp(run, perProducer: 1_000, window: window)
            benchmark.stopMeasurement()
            let processSpent = processCPUTime() - processBefore
            let cpuAfter = committerThreadsCPU()
            let sorted = result.latencies.sorted()
            // What each of the committer's threads spent per receipt: steadier than the
            // throughput on a busy machine, so changes to one stage can be compared there.
            let receipts = UInt64(max(1, sorted.count))
            func perReceipt(_ thread: String) -> Int { Int((cpuAfter[thread, default: 0] &- cpuBefore[thread, default: 0]) / receipts) }
            benchmark.measurement(KassaMetric.writerCPU, perReceipt("kassa-writer"))
            benchmark.measurement(KassaMetric.appendCPU, perReceipt("kassa-append"))
            benchmark.measurement(KassaMetric.syncCPU, perReceipt("kassa-sync"))
            benchmark.measurement(KassaMetric.processCPU, Int(processSpent * 1e9) / Int(receipts))
            let batches = run.counter.take()
            benchmark.measurement(KassaMetric.receiptsPerSecond, Int(Double(sorted.count) / seconds(result.elapsed)))
            benchmark.measurement(KassaMetric.commitP50, percentile(sorted, 0.50))
            benchmark.measurement(KassaMetric.commitP99, percentile(sorted, 0.99))
            benchmark.measurement(KassaMetric.batch, batches.batches > 0 ? batches.records / batches.batches : 0)
            if result.failures > 0 { benchmark.error("\(result.failures) receipts were not committed, the first: \(firstFailure.withLock { $0 ?? "" })") }
        } setup: {
            let run = try DurableRun()
            currentDurableRun = run
            return run
        } teardown: {
            currentDurableRun?.close()
        }
    }

    // (c) Recovery replay: scan, verify, decode and replay a journal of 100,000 customers and
    // 200,000 30-line sales into an empty Ledger, as start-up does with no snapshot: this thread
    // reads and decodes, a second one records (`PipelinedReplay`).
    Benchmark(
        "recovery replay: 300,000 journal records",
        configuration: .init(
            metrics: [.wallClock, KassaMetric.recordsPerSecond, .peakMemoryResident, KassaMetric.readingThreadCPU,
                      KassaMetric.recordingThreadCPU, KassaMetric.pageFaults],
            warmupIterations: 0,
            maxDuration: .seconds(30),
            maxIterations: 3
        )
    ) { (benchmark, run: ReplayRun) in
        var replayed = 0
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        let readingStart = threadCPUTime(), processStart = processCPUTime(), faultsStart = pageFaults()
        let replay = PipelinedReplay(ledger: Ledger()) { ledger, entry in try ledger.replay(consume entry) }
        var decoder = ReplayDecoder()
        let report = try JournalScanner.scan(directory: run.directory + "/journal", recordBytesMax: 1 << 20) { seq, payload in
            try replay.add(try decoder.decode(seq: seq, payload: payload))
            replayed += 1
        }
        let ledger = try replay.finish()
        let elapsed = start.duration(to: clock.now)
        // The recording thread's CPU is the process's less this thread's: nothing else runs.
        let reading = threadCPUTime() - readingStart, recording = processCPUTime() - processStart - reading
        let faults = pageFaults() - faultsStart
        benchmark.stopMeasurement()
        benchmark.measurement(KassaMetric.recordsPerSecond, Int(Double(replayed) / seconds(elapsed)))
        benchmark.measurement(KassaMetric.readingThreadCPU, Int(reading * 1e3))
        benchmark.measurement(KassaMetric.recordingThreadCPU, Int(recording * 1e3))
        benchmark.measurement(KassaMetric.pageFaults, faults / 1000)
        guard case .clean = report.verdict, replayed == run.records else {
            benchmark.error("replayed \(replayed) of \(run.records): \(report.verdict)")
            return
        }
        blackHole(ledger)
    } setup: {
        try ReplayRun.make()
    } teardown: {
        ReplayRun.removeCurrent()
    }

    // (c) in halves, each alone on this thread, in CPU time: reading and decoding, and
    // recording entries decoded beforehand. The slower half sets the pace of (c).
    Benchmark(
        "recovery halves: read and decode, record",
        configuration: .init(
            metrics: [KassaMetric.decodeCPU, KassaMetric.recordCPU],
            warmupIterations: 0,
            maxDuration: .seconds(30),
            maxIterations: 3
        )
    ) { (benchmark, run: ReplayRun) in
        var decoder = ReplayDecoder()
        var decoded = 0
        let decodeStart = threadCPUTime()
        _ = try JournalScanner.scan(directory: run.directory + "/journal", recordBytesMax: 1 << 20) { seq, payload in
            blackHole(try decoder.decode(seq: seq, payload: payload))
            decoded += 1
        }
        benchmark.measurement(KassaMetric.decodeCPU, Int((threadCPUTime() - decodeStart) * 1e3))
        var entries: [ReplayEntry] = []
        entries.reserveCapacity(run.records)
        _ = try JournalScanner.scan(directory: run.directory + "/journal", recordBytesMax: 1 << 20) { seq, payload in
            entries.append(try decoder.decode(seq: seq, payload: payload))
        }
        var ledger = Ledger()
        let recordStart = threadCPUTime()
        try entries.withUnsafeBufferPointer { entries in
            for index in entries.indices { try ledger.replay(entries[index]) }
        }
        benchmark.measurement(KassaMetric.recordCPU, Int((threadCPUTime() - recordStart) * 1e3))
        if decoded != run.records || ledger.lastSeq != UInt64(run.records) { benchmark.error("decoded \(decoded), recorded \(ledger.lastSeq) of \(run.records)") }
        blackHole(ledger)
    } setup: {
        try ReplayRun.make()
    } teardown: {
        ReplayRun.removeCurrent()
    }

    projectionBenchmarks()
}

/// CPU time of the calling thread, in seconds.
func threadCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// CPU time so far of each of this process's threads whose name begins with `kassa-` (the group
/// committer's), in nanoseconds by name, from /proc/self/task/*/schedstat (its first field is
/// the thread's time on a CPU).
func committerThreadsCPU() -> [String: UInt64] {
    var spent: [String: UInt64] = [:]
    guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return spent }
    for task in tasks {
        guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8) else { continue }
        let name = comm.trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.hasPrefix("kassa-"),
              let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/schedstat", encoding: .utf8),
              let nanoseconds = stat.split(separator: " ").first.flatMap({ UInt64($0) }) else { continue }
        spent[name, default: 0] += nanoseconds
    }
    return spent
}

/// CPU time of the whole process, every thread, in seconds.
func processCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Page faults the process has taken (minor and major): memory touched for the first time.
func pageFaults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt + usage.ru_majflt
}
