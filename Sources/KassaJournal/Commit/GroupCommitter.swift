import Foundation
import Synchronization
import KassaCore

/// The one writer: takes every command that is waiting, applies them to the Ledger in order,
/// appends their entries to the journal as one batch, makes the batch durable with one
/// `fdatasync`, then answers them all (group commit). Throughput grows with load while latency
/// stays near one fsync.
///
/// Rules it keeps:
/// - Nothing is answered before the batch it belongs to is durable (under `.fsync`), not even a
///   retry or a refusal, because either may depend on an entry of the same batch.
/// - Room for a command's record is made before the command is applied. When the disk is full
///   the command is refused with the Ledger unchanged, and the next command tries again.
/// - A failed write or fsync is never acknowledged, and afterwards every command is refused:
///   the page cache can no longer be trusted, and only a restart (recovery from disk) is safe.
///
/// Under `.fsync` the fsync runs on a second thread: while it makes batch N durable, the writer
/// already decides and writes batch N+1, whose answers then wait for the next fsync. A batch's
/// answers (retries and refusals too) always wait for every batch before it.
///
/// Readers see the Ledger through `read(_:)`, never waiting for the disk. They may see an entry
/// up to two fsyncs before it is acknowledged.
public final class GroupCommitter: @unchecked Sendable {
    /// Bounds and policy.
    public struct Options: Sendable {
        /// When batches are acknowledged.
        public var durability: Durability = .fsync
        /// Most commands in one batch.
        public var batchCommandsMax: Int = 4096
        /// Most commands waiting; beyond it `submit` answers `overloaded`.
        public var queueCommandsMax: Int = 65536

        /// The defaults.
        public init() {}
    }

    /// A callback that receives the outcome on the writer thread; it must not block.
    public typealias Completion = @Sendable (CommitOutcome) -> Void

    private struct Pending {
        var command: LedgerCommand
        var completion: Completion
        /// A sale's fingerprint and field checks, computed by the submitting thread.
        var precheck: SalePrecheck?
    }

    private let options: Options
    /// The Ledger's limits, for the checks submitting threads make.
    private let limits: LedgerLimits
    private let log: any CommitLog
    private let pricing: any SalePricing
    private let clock: @Sendable () -> Timestamp
    private let observer: (any CommitObserver)?

    // The queue of waiting commands, guarded by `queueCondition`.
    private let queueCondition = NSCondition()
    private var queue: [Pending] = []
    private var stopping = false
    private var stopped = false
    private typealias SnapshotWaiter = (LedgerSnapshot?) -> Void
    private var snapshotWaiters: [SnapshotWaiter] = []

    // The Ledger, guarded by `ledgerLock`: the writer takes it to apply, readers to read. It
    // lives behind a pointer of its own so that it can be lent in place (`lend`): a stored
    // property of a class is copied out for a call on it, and a copy of the Ledger retains and
    // releases each of its many references, on every quote and every command.
    private let ledgerLock = ReadWriteLock()
    private let ledger: UnsafeMutablePointer<Ledger>

    // Batches written and waiting for the fsync that covers them, handed from the writer to the
    // syncing thread under `syncCondition`.
    private struct WrittenBatch {
        var answers: [(Completion, CommitOutcome)]
        var records: Int
        var bytes: Int
        var started: ContinuousClock.Instant
    }
    private let syncCondition = NSCondition()
    private var toSync: [WrittenBatch] = []
    private var syncBusy = false
    private var syncStopping = false
    private var syncThread: Thread?

    // Writer-thread state; `failure` is also set by the syncing thread, under `queueCondition`.
    private var failure: StorageUnavailable?
    private var encodeBuffer = BinaryWriter(capacity: 1 << 16)
    private var lastSync = ContinuousClock.now
    private var unsynced = false
    private var thread: Thread?

    /// A committer over a recovered `ledger` and an open `log` positioned after it.
    public init(ledger: Ledger, log: any CommitLog, pricing: any SalePricing, options: Options = Options(),
                observer: (any CommitObserver)? = nil, clock: @escaping @Sendable () -> Timestamp) {
        precondition(ledger.lastSeq == log.lastSeq, "the ledger (seq \(ledger.lastSeq)) and the journal (seq \(log.lastSeq)) disagree")
        self.ledger = .allocate(capacity: 1)
        self.ledger.initialize(to: ledger)
        self.limits = ledger.limits
        self.log = log
        self.pricing = pricing
        self.options = options
        self.observer = observer
        self.clock = clock
    }

    deinit {
        ledger.deinitialize(count: 1)
        ledger.deallocate()
    }

    /// Starts the writer thread (and, under `.fsync`, the syncing thread).
    public func start() {
        if case .fsync = options.durability {
            let syncer = Thread { [self] in
                nameThisThread("kassa-sync")
                self.runSyncer()
            }
            syncer.name = "kassa-sync"
            syncer.qualityOfService = .userInteractive
            syncThread = syncer
            syncer.start()
        }
        let thread = Thread { [self] in
            nameThisThread("kassa-writer")
            self.run()
        }
        thread.name = "kassa-writer"
        thread.qualityOfService = .userInteractive
        self.thread = thread
        thread.start()
    }

    /// Queues `command`; `completion` runs on the writer thread once it is settled.
    public func submit(_ command: LedgerCommand, completion: @escaping Completion) {
        // The part of deciding a sale that needs no state runs here, on the submitting thread,
        // so the one writer has that much less to do per receipt.
        var precheck: SalePrecheck?
        if case .sale(let receipt) = command { precheck = SalePrecheck(receipt, limits: limits) }
        queueCondition.lock()
        if stopping || stopped {
            queueCondition.unlock()
            completion(.unavailable(StorageUnavailable(.stopping, "the journal writer is shutting down")))
            return
        }
        if queue.count >= options.queueCommandsMax {
            queueCondition.unlock()
            completion(.unavailable(StorageUnavailable(.overloaded, "more than \(options.queueCommandsMax) commands are waiting for the journal; retry shortly")))
            return
        }
        queue.append(Pending(command: command, completion: completion, precheck: precheck))
        if queue.count == 1 { queueCondition.signal() }
        queueCondition.unlock()
    }

    /// Submits `command` and waits for its outcome.
    public func submit(_ command: LedgerCommand) async -> CommitOutcome {
        await withCheckedContinuation { continuation in
            submit(command) { continuation.resume(returning: $0) }
        }
    }

    /// Submits `commands` in their order (so the first of two with the same id is the one
    /// registered) and waits for every outcome; outcomes come back in the same order.
    public func submit(_ commands: [LedgerCommand]) async -> [CommitOutcome] {
        guard !commands.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let collected = Mutex<(outcomes: [CommitOutcome?], left: Int)>((Array(repeating: nil, count: commands.count), commands.count))
            for (index, command) in commands.enumerated() {
                submit(command) { outcome in
                    let done: [CommitOutcome]? = collected.withLock { state in
                        state.outcomes[index] = outcome
                        state.left -= 1
                        return state.left == 0 ? state.outcomes.compactMap { $0 } : nil
                    }
                    if let done { continuation.resume(returning: done) }
                }
            }
        }
    }

    /// Submits `command` and blocks the calling thread until it is settled: for start-up work
    /// that runs before any request is served, never on a request's path.
    public func submitAndWait(_ command: LedgerCommand) -> CommitOutcome {
        let settled = DispatchSemaphore(value: 0)
        let box = Mutex<CommitOutcome?>(nil)
        submit(command) { outcome in
            box.withLock { $0 = outcome }
            settled.signal()
        }
        settled.wait()
        return box.withLock { $0 } ?? .unavailable(StorageUnavailable(.stopping, "the journal writer gave no answer"))
    }

    /// Runs `body` on the current Ledger under a read lock; keep it short.
    public func read<T>(_ body: (borrowing Ledger) throws -> T) rethrows -> T {
        ledgerLock.readLock()
        defer { ledgerLock.unlock() }
        return try Self.lend(&ledger.pointee, to: body)
    }

    /// Hands `ledger` to `body` where it lies. Passed as `inout`, it is borrowed in place; read
    /// through the pointer and passed on, the compiler copies it first, which retains and
    /// releases each of the Ledger's references. Nothing writes through the `inout`: readers
    /// share it under the read lock, and the writer prepares through it alone.
    @inline(__always)
    private static func lend<T>(_ ledger: inout Ledger, to body: (borrowing Ledger) throws -> T) rethrows -> T {
        try body(ledger)
    }

    /// Why the writer stopped taking commands, if it did.
    public var failed: StorageUnavailable? {
        queueCondition.lock()
        defer { queueCondition.unlock() }
        return failure
    }

    /// Answers what is queued, syncs, and stops the writer thread; returns once it has.
    public func stop() {
        queueCondition.lock()
        stopping = true
        queueCondition.broadcast()
        while !stopped && thread != nil { queueCondition.wait() }
        queueCondition.unlock()
    }

    // MARK: - The writer thread

    private func run() {
        var batch: [Pending] = []
        batch.reserveCapacity(options.batchCommandsMax)
        while true {
            queueCondition.lock()
            while queue.isEmpty && snapshotWaiters.isEmpty && !stopping {
                if unsynced, case .interval(let ms) = options.durability {
                    _ = queueCondition.wait(until: Date(timeIntervalSinceNow: Double(ms) / 1000))
                    if queue.isEmpty { break }
                } else {
                    queueCondition.wait()
                }
            }
            let waiters = snapshotWaiters
            snapshotWaiters.removeAll()
            let finishing = queue.isEmpty && stopping
            let take = min(queue.count, options.batchCommandsMax)
            batch.append(contentsOf: queue[0..<take])
            queue.removeFirst(take)
            queueCondition.unlock()

            if !waiters.isEmpty { serveSnapshots(waiters) }
            if finishing {
                stopSyncer()
                syncIfUnsynced()
                queueCondition.lock()
                stopped = true
                let late = snapshotWaiters
                snapshotWaiters.removeAll()
                queueCondition.broadcast()
                queueCondition.unlock()
                if !late.isEmpty { serveSnapshots(late) }
                return
            }
            if batch.isEmpty { syncIfIntervalElapsed(); continue }
            let leftover = commit(&batch)
            if !leftover.isEmpty {
                queueCondition.lock()
                queue.insert(contentsOf: leftover, at: 0)
                queueCondition.unlock()
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Hands each waiter a copy of the Ledger and the changes since the previous snapshot, taken
    /// between batches once everything recorded is durable, so a snapshot never holds an entry a
    /// crash could still take back. After a failure there is nothing trustworthy to hand out.
    private func serveSnapshots(_ waiters: [SnapshotWaiter]) {
        drainSyncs()
        syncIfUnsynced()
        guard failed == nil else {
            for waiter in waiters { waiter(nil) }
            return
        }
        ledgerLock.writeLock()
        let changes = ledger.pointee.takeChanges()
        let copy = ledger.pointee
        ledgerLock.unlock()
        waiters[0](LedgerSnapshot(ledger: copy, changes: changes))
        for waiter in waiters.dropFirst() { waiter(LedgerSnapshot(ledger: copy, changes: LedgerChanges())) }
    }

    /// A copy of the Ledger at a durable batch boundary, with what changed since the last one,
    /// for the background snapshot writer. Waits for the writer to reach a boundary; nil if the
    /// writer failed (nothing after the failure may be snapshotted).
    public func snapshot() -> LedgerSnapshot? {
        let box = SnapshotBox()
        queueCondition.lock()
        snapshotWaiters.append { box.fill($0) }
        if stopped {
            // No writer thread any more: nothing changes the Ledger, take it here.
            let waiters = snapshotWaiters
            snapshotWaiters.removeAll()
            queueCondition.unlock()
            serveSnapshots(waiters)
        } else {
            queueCondition.signal()
            queueCondition.unlock()
        }
        return box.wait()
    }

    /// Commits as much of `batch` as fits in the current segment; returns what must wait for the
    /// next batch (after a segment roll).
    private func commit(_ batch: inout [Pending]) -> [Pending] {
        if let failure = failed {
            for item in batch { item.completion(.unavailable(failure)) }
            return []
        }
        var answers: [(Completion, CommitOutcome)] = []
        answers.reserveCapacity(batch.count)
        var appendedBytes = 0
        var appendedRecords = 0
        var index = 0
        items: while index < batch.count {
            let item = batch[index]
            let now = clock()
            // Only this thread changes the Ledger, so deciding needs no lock; recording does.
            let prepared = Self.lend(&ledger.pointee) { $0.prepare(item.command, at: now, pricing: pricing, precheck: item.precheck) }
            switch prepared {
            case .record(let entry):
                encodeBuffer.reset()
                LedgerEntryCodec.encode(entry, into: &encodeBuffer)
                let size = encodeBuffer.bytes.count
                if size > log.recordBytesMax {
                    answers.append((item.completion, .rejected(LedgerError(.tooLarge, "the change takes \(size) bytes in the journal, more than journal.record_bytes_max (\(log.recordBytesMax))"))))
                    index += 1
                    continue
                }
                if !log.canAppend(payloadBytes: size) {
                    // The segment is full: commit what this batch has, roll with the next one.
                    if appendedRecords > 0 { break items }
                    // Rolling closes the file a sync may still be working on: wait for it.
                    drainSyncs()
                    do {
                        try log.ensureCapacity(forPayloadBytes: size)
                    } catch {
                        if log.isOutOfSpace(error) {
                            let refusal = StorageUnavailable(.outOfSpace, "the journal disk is full (\(error)); the change was not applied, retry once space is freed")
                            for rest in batch[index...] { answers.append((rest.completion, .unavailable(refusal))) }
                            index = batch.count
                            break items
                        }
                        // Rolling syncs the full segment and the directory; a failure there is a
                        // failed fsync like any other.
                        failStop("could not start a new journal segment: \(error)", pending: answers, rest: batch[index...])
                        return []
                    }
                }
                let seq: UInt64
                do {
                    seq = try encodeBuffer.bytes.withUnsafeBytes { try log.append($0) }
                } catch {
                    failStop("could not append journal entry \(entry.seq): \(error)", pending: answers, rest: batch[index...])
                    return []
                }
                precondition(seq == entry.seq, "journal seq \(seq) and ledger seq \(entry.seq) disagree; memory can no longer be trusted")
                ledgerLock.writeLock()
                let answer = ledger.pointee.commit(entry)
                ledgerLock.unlock()
                appendedBytes += size
                appendedRecords += 1
                observer?.applied(entry)
                answers.append((item.completion, .done(answer, created: true)))
            case .duplicate(let answer):
                answers.append((item.completion, .done(answer, created: false)))
            case .rejected(let error):
                answers.append((item.completion, .rejected(error)))
            }
            index += 1
        }
        let leftover = index < batch.count ? Array(batch[index...]) : []
        let started = ContinuousClock.now
        if appendedRecords > 0 {
            do {
                try log.flush()
            } catch {
                failStop("journal write failed: \(error)", pending: answers, rest: leftover[...])
                return []
            }
        }
        switch options.durability {
        case .fsync:
            // The syncing thread answers once an fsync covers this batch and every one before it.
            if appendedRecords > 0 || syncsOutstanding {
                handOff(WrittenBatch(answers: answers, records: appendedRecords, bytes: appendedBytes, started: started))
                return refuseIfFailed(leftover)
            }
        case .interval:
            if appendedRecords > 0 {
                unsynced = true
                syncIfIntervalElapsed()
                observer?.committed(records: appendedRecords, bytes: appendedBytes, duration: ContinuousClock.now - started, lastSeq: log.lastSeq)
            }
        }
        if let failure = failed {
            for (completion, _) in answers { completion(.unavailable(failure)) }
            return refuseIfFailed(leftover)
        }
        for (completion, outcome) in answers { completion(outcome) }
        return leftover
    }

    /// `leftover` to carry into the next batch, or, once the writer has failed (the syncing
    /// thread may have failed meanwhile), refused here and nothing carried.
    private func refuseIfFailed(_ leftover: [Pending]) -> [Pending] {
        guard let failure = failed else { return leftover }
        for item in leftover { item.completion(.unavailable(failure)) }
        return []
    }

    // MARK: - The syncing thread (`.fsync`)

    /// Whether a written batch still waits for its fsync.
    private var syncsOutstanding: Bool {
        syncCondition.lock()
        defer { syncCondition.unlock() }
        return syncBusy || !toSync.isEmpty
    }

    private func handOff(_ batch: WrittenBatch) {
        syncCondition.lock()
        toSync.append(batch)
        syncCondition.signal()
        syncCondition.unlock()
    }

    /// Waits until every written batch is synced and answered (before a segment roll, a
    /// snapshot, or stopping).
    private func drainSyncs() {
        syncCondition.lock()
        while syncBusy || !toSync.isEmpty { syncCondition.wait() }
        syncCondition.unlock()
    }

    private func stopSyncer() {
        guard syncThread != nil else { return }
        syncCondition.lock()
        syncStopping = true
        syncCondition.broadcast()
        while syncThread != nil { syncCondition.wait() }
        syncCondition.unlock()
    }

    /// Takes every batch written so far, makes them durable with one fsync, answers them in
    /// order. One fsync covers all that was written before it started, so batches written while
    /// it runs wait for the next.
    private func runSyncer() {
        while true {
            syncCondition.lock()
            while toSync.isEmpty && !syncStopping { syncCondition.wait() }
            if toSync.isEmpty {
                syncThread = nil
                syncCondition.broadcast()
                syncCondition.unlock()
                return
            }
            let batches = toSync
            toSync.removeAll()
            syncBusy = true
            syncCondition.unlock()

            let records = batches.reduce(0) { $0 + $1.records }
            var refusal = failed
            if refusal == nil, records > 0 {
                do {
                    let durable = try log.sync()
                    observer?.committed(records: records, bytes: batches.reduce(0) { $0 + $1.bytes },
                                        duration: ContinuousClock.now - batches[0].started, lastSeq: durable)
                } catch {
                    failStop("journal fsync failed: \(error)", pending: [], rest: [][...])
                    refusal = failed
                }
            }
            for batch in batches {
                for (completion, outcome) in batch.answers {
                    if let refusal { completion(.unavailable(refusal)) } else { completion(outcome) }
                }
            }

            syncCondition.lock()
            syncBusy = false
            syncCondition.broadcast()
            syncCondition.unlock()
        }
    }

    private func syncIfIntervalElapsed() {
        guard unsynced, case .interval(let ms) = options.durability,
              ContinuousClock.now - lastSync >= .milliseconds(ms) else { return }
        syncIfUnsynced()
    }

    private func syncIfUnsynced() {
        guard unsynced, failed == nil else { return }
        do {
            try log.sync()
            unsynced = false
            lastSync = ContinuousClock.now
        } catch {
            failStop("journal fsync failed: \(error)", pending: [], rest: [][...])
        }
    }

    private func failStop(_ what: String, pending: [(Completion, CommitOutcome)], rest: ArraySlice<Pending>) {
        let refusal = StorageUnavailable(.failed, "\(what). The writer stopped taking changes: after a failed write or fsync the page cache cannot be trusted. Restart the service to recover from the journal on disk.")
        queueCondition.lock()
        failure = refusal
        queueCondition.unlock()
        observer?.failed(refusal)
        for (completion, _) in pending { completion(.unavailable(refusal)) }
        for item in rest { item.completion(.unavailable(refusal)) }
    }
}

/// Hooks for metrics and the background projection; called on the writer thread (`committed`
/// under `.fsync` on the syncing thread), must not block.
public protocol CommitObserver: AnyObject, Sendable {
    /// An entry was applied (it becomes durable with its batch).
    func applied(_ entry: LedgerEntry)
    /// A batch became durable (or, under `.interval`, was written).
    func committed(records: Int, bytes: Int, duration: Duration, lastSeq: UInt64)
    /// The writer stopped for good.
    func failed(_ reason: StorageUnavailable)
}

/// A copy of the Ledger at a durable batch boundary and the customers and products changed since
/// the previous one: what an incremental snapshot writes.
public struct LedgerSnapshot: Sendable {
    /// The Ledger.
    public var ledger: Ledger
    /// What changed since the previous snapshot.
    public var changes: LedgerChanges
}

/// One snapshot handed from the writer thread to the thread waiting for it.
private final class SnapshotBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private var value: LedgerSnapshot?

    func fill(_ snapshot: LedgerSnapshot?) {
        condition.lock()
        value = snapshot
        done = true
        condition.signal()
        condition.unlock()
    }

    func wait() -> LedgerSnapshot? {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        return value
    }
}
