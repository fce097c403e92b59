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
/// Under `.fsync` the work is a pipeline of three threads. The writer decides each command and
/// records it in the Ledger; an appending thread encodes the batch's records, appends them and
/// writes them to the file; a syncing thread makes them durable. While batch N is synced, N+1
/// is written and N+2 decided, so one receipt costs the writer only the deciding and recording
/// (the single writer is what limits throughput). A batch's answers (retries and refusals too)
/// always wait for every batch before it.
///
/// Room in the journal is still made before a command is applied: the writer reserves, for
/// each record it hands on, an upper bound on its encoded size (`LedgerEntryCodec
/// .payloadBytesMax`, or the exact size of what it encoded itself), and rolls to a new segment
/// only when the appending and syncing threads are idle. So an append can fail only on a broken
/// disk, which stops the writer like any failed write.
///
/// Readers see the Ledger through `read(_:)`, never waiting for the disk. They may see an entry
/// up to three batches before it is acknowledged.
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

    // Batches written and waiting for the fsync that covers them, handed from the appending
    // thread to the syncing thread.
    private struct WrittenBatch {
        var answers: [(Completion, CommitOutcome)]
        var records: Int
        var bytes: Int
        var started: ContinuousClock.Instant
    }
    private let syncing = PipelineStage<WrittenBatch>(name: "kassa-sync")

    // Batches decided and recorded in the Ledger whose records wait to be encoded, appended and
    // written, handed from the writer to the appending thread (`.fsync` only: under `.interval`
    // the writer appends them itself).
    private struct DecidedBatch {
        var records: [DecidedRecord] = []
        var answers: [(Completion, CommitOutcome)] = []
        /// The journal room promised to `records`, in record bytes (`SegmentFormat.recordSize`).
        var reservedBytes = 0
    }
    /// A record to append: a sale still to be encoded, in at most `bound` payload bytes, or
    /// another entry's payload, encoded by the writer.
    private enum DecidedRecord {
        case entry(LedgerEntry, bound: Int)
        case encoded(seq: UInt64, payload: [UInt8])

        var seq: UInt64 {
            switch self {
            case .entry(let entry, _): entry.seq
            case .encoded(let seq, _): seq
            }
        }
    }
    private let appending = PipelineStage<DecidedBatch>(name: "kassa-append")
    /// Journal room promised to records handed to the appending thread and not yet appended:
    /// the writer adds, the appending thread takes away once the records are in the log.
    private let reservedBytes = Atomic<Int>(0)

    /// The catalog as the writer last published it, for submitting threads to look a sale's
    /// lines up in ahead of the writer (`CatalogLookup`). Withdrawn (nil) while a catalog
    /// change is applied: a published copy still sharing the writer's arrays would make the
    /// change copy the whole catalog, once per upsert of an import. Guarded by `catalogLock`, a
    /// glibc mutex that sleeps at once: the standard library's `Mutex` spins about a thousand
    /// `pause` rounds first (about 140 cycles each on Intel processors since Skylake), and the
    /// sixteen submitting threads of the durable benchmark spent 12.6% of its samples spinning
    /// there on two cores (see docs/performance-log.md).
    private var publishedCatalog: PublishedCatalog?
    private let catalogLock = NSLock()
    /// The generation of the catalog published (writer thread only); `withdrawnGeneration`
    /// while none is.
    private var publishedGeneration: UInt64
    private static let withdrawnGeneration = UInt64.max

    // Writer-thread state; `failure` is also set by the syncing and appending threads, under
    // `queueCondition`. `encodeBuffer` belongs to whichever thread appends (see `DecidedBatch`).
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
        publishedCatalog = PublishedCatalog(ledger.catalog)
        publishedGeneration = ledger.catalog.generation
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

    /// Starts the writer thread (and, under `.fsync`, the appending and syncing threads).
    public func start() {
        if case .fsync = options.durability {
            syncing.start { [self] batches in sync(batches) }
            appending.start { [self] batches in append(batches) }
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

    /// Queues `command`; `completion` runs on the writer thread once it is settled. A sale may
    /// bring the pricing of the quote of its basket (`QuotedPricing`), which the writer takes
    /// instead of pricing again if nothing it was priced on has changed since.
    public func submit(_ command: LedgerCommand, quoted: QuotedPricing? = nil, completion: @escaping Completion) {
        // The part of deciding a sale that needs no state runs here, on the submitting thread,
        // so the one writer has that much less to do per receipt: the checks, the fingerprint
        // and, when the writer will price it, its lines looked up in the published catalog.
        var precheck: SalePrecheck?
        if case .sale(let receipt) = command {
            let catalog = quoted == nil ? catalogLock.withLock { publishedCatalog } : nil
            precheck = SalePrecheck(receipt, limits: limits, quoted: quoted, catalog: catalog?.catalog)
        }
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
            if queue.count <= options.batchCommandsMax {
                // All of it: the arrays trade places (`batch` is empty), so the submitting
                // threads wait for no copying.
                swap(&batch, &queue)
            } else {
                batch.append(contentsOf: queue[0..<options.batchCommandsMax])
                queue.removeFirst(options.batchCommandsMax)
            }
            queueCondition.unlock()

            if !waiters.isEmpty { serveSnapshots(waiters) }
            if finishing {
                appending.stop()
                syncing.stop()
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
        appending.drain()
        syncing.drain()
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
        var decided = DecidedBatch()
        decided.records.reserveCapacity(batch.count)
        decided.answers.reserveCapacity(batch.count)
        var index = 0
        items: while index < batch.count {
            // The command, check and completion read where they lie: a copy of the whole item
            // retained and released all three.
            let completion = batch[index].completion
            if case .upsertProducts = batch[index].command { withdrawCatalog() }
            let now = clock()
            // Only this thread changes the Ledger, so deciding needs no lock; recording does.
            let prepared = Self.lend(&ledger.pointee) { $0.prepare(batch[index].command, at: now, pricing: pricing, precheck: batch[index].precheck) }
            // Matched as consumed: the entry is moved into the batch, not copied (a copy
            // retained and released each of a sale's strings and arrays).
            switch consume prepared {
            case .record(let entry):
                // A sale is encoded by whichever thread appends, within a bound found here;
                // anything else (rarer, and without a bound) is encoded here.
                let encoded: [UInt8]?
                let payloadBytes: Int
                if let bound = LedgerEntryCodec.payloadBytesMax(entry), bound <= log.recordBytesMax {
                    encoded = nil
                    payloadBytes = bound
                } else {
                    let payload = LedgerEntryCodec.encode(entry)
                    if payload.count > log.recordBytesMax {
                        decided.answers.append((completion, .rejected(LedgerError(.tooLarge, "the change takes \(payload.count) bytes in the journal, more than journal.record_bytes_max (\(log.recordBytesMax))"))))
                        index += 1
                        continue
                    }
                    encoded = payload
                    payloadBytes = payload.count
                }
                let promised = reservedBytes.load(ordering: .acquiring) + decided.reservedBytes
                if !log.canAppend(payloadBytes: payloadBytes, reservedBytes: promised) {
                    // The segment is full: hand on what this batch has, roll with the next one.
                    if !decided.records.isEmpty { break items }
                    // Rolling writes what is buffered and closes the file a sync may still be
                    // working on: wait for the appending and syncing threads to be idle.
                    appending.drain()
                    syncing.drain()
                    // Either may have failed meanwhile; then nothing more is written.
                    if let failure = failed {
                        for (completion, _) in decided.answers { completion(.unavailable(failure)) }
                        for rest in batch[index...] { rest.completion(.unavailable(failure)) }
                        return []
                    }
                    do {
                        try log.ensureCapacity(forPayloadBytes: payloadBytes)
                    } catch {
                        if log.isOutOfSpace(error) {
                            let refusal = StorageUnavailable(.outOfSpace, "the journal disk is full (\(error)); the change was not applied, retry once space is freed")
                            for rest in batch[index...] { decided.answers.append((rest.completion, .unavailable(refusal))) }
                            index = batch.count
                            break items
                        }
                        // Rolling syncs the full segment and the directory; a failure there is a
                        // failed fsync like any other.
                        failStop("could not start a new journal segment: \(error)", pending: decided.answers, rest: batch[index...])
                        return []
                    }
                }
                ledgerLock.writeLock()
                let answer = ledger.pointee.commit(entry)
                ledgerLock.unlock()
                observer?.applied(entry)
                if let encoded {
                    decided.records.append(.encoded(seq: entry.seq, payload: encoded))
                } else {
                    decided.records.append(.entry(consume entry, bound: payloadBytes))
                }
                decided.reservedBytes += SegmentFormat.recordSize(payloadBytes: payloadBytes)
                decided.answers.append((completion, .done(answer, created: true)))
            case .duplicate(let answer):
                decided.answers.append((completion, .done(answer, created: false)))
            case .rejected(let error):
                decided.answers.append((completion, .rejected(error)))
            }
            index += 1
        }
        publishCatalogIfChanged()
        let leftover = index < batch.count ? Array(batch[index...]) : []
        switch options.durability {
        case .fsync:
            // The appending thread writes the batch and the syncing thread answers it once an
            // fsync covers it and every batch before it.
            handToAppender(decided)
            return refuseIfFailed(leftover)
        case .interval:
            let started = ContinuousClock.now
            guard let written = write([decided]) else { return refuseIfFailed(leftover) }
            if written.records > 0 {
                unsynced = true
                syncIfIntervalElapsed()
                observer?.committed(records: written.records, bytes: written.bytes, duration: ContinuousClock.now - started, lastSeq: log.lastSeq)
            }
        }
        if let failure = failed {
            for (completion, _) in decided.answers { completion(.unavailable(failure)) }
            return refuseIfFailed(leftover)
        }
        for (completion, outcome) in decided.answers { completion(outcome) }
        return leftover
    }

    /// Takes the published catalog back before the writer changes its own.
    private func withdrawCatalog() {
        guard publishedGeneration != GroupCommitter.withdrawnGeneration else { return }
        catalogLock.withLock { publishedCatalog = nil }
        publishedGeneration = GroupCommitter.withdrawnGeneration
    }

    /// The generation of the catalog submitting threads look sales up in (nil: withdrawn).
    var publishedCatalogGeneration: UInt64? { catalogLock.withLock { publishedCatalog?.catalog.generation } }

    /// Publishes the Ledger's catalog when it is not the one published.
    private func publishCatalogIfChanged() {
        let generation = ledger.pointee.catalog.generation
        guard generation != publishedGeneration else { return }
        let published = PublishedCatalog(ledger.pointee.catalog)
        catalogLock.withLock { publishedCatalog = published }
        publishedGeneration = generation
    }

    /// Encodes and appends the records of `batches` in order and writes them to the file.
    /// Returns how many records and payload bytes it wrote, or nil when the journal failed: then
    /// the writer is stopped and every answer of `batches` refused.
    private func write(_ batches: [DecidedBatch]) -> (records: Int, bytes: Int)? {
        var records = 0
        var bytes = 0
        for batch in batches {
            for record in batch.records {
                let expected = record.seq
                let seq: UInt64
                do {
                    switch record {
                    case .entry(let entry, let bound):
                        encodeBuffer.reset()
                        LedgerEntryCodec.encode(entry, into: &encodeBuffer)
                        // The room reserved for the record must hold it, or a full disk could
                        // be found after the change was applied.
                        precondition(encodeBuffer.bytes.count <= bound, "entry \(expected) took \(encodeBuffer.bytes.count) bytes, more than the \(bound) reserved")
                        bytes += encodeBuffer.bytes.count
                        seq = try encodeBuffer.bytes.withUnsafeBytes { try log.append($0) }
                    case .encoded(_, let payload):
                        bytes += payload.count
                        seq = try payload.withUnsafeBytes { try log.append($0) }
                    }
                } catch {
                    failStop("could not append journal entry \(expected): \(error)", pending: batches.flatMap(\.answers), rest: [][...])
                    return nil
                }
                precondition(seq == expected, "journal seq \(seq) and ledger seq \(expected) disagree; memory can no longer be trusted")
                records += 1
            }
        }
        if records > 0 {
            do {
                try log.flush()
            } catch {
                failStop("journal write failed: \(error)", pending: batches.flatMap(\.answers), rest: [][...])
                return nil
            }
        }
        return (records, bytes)
    }

    /// `leftover` to carry into the next batch, or, once the writer has failed (the appending
    /// or syncing thread may have failed meanwhile), refused here and nothing carried.
    private func refuseIfFailed(_ leftover: [Pending]) -> [Pending] {
        guard let failure = failed else { return leftover }
        for item in leftover { item.completion(.unavailable(failure)) }
        return []
    }

    // MARK: - The appending thread (`.fsync`)

    private func handToAppender(_ batch: DecidedBatch) {
        // Promised before the records can be appended, so the room left never looks larger
        // than it is.
        reservedBytes.add(batch.reservedBytes, ordering: .releasing)
        appending.hand(batch)
    }

    /// Encodes, appends and writes the records of `batches`, then hands them to the syncing
    /// thread (or answers them at once when they wrote nothing and no sync is outstanding, so
    /// their answers cannot pass one that waits for its fsync).
    private func append(_ batches: [DecidedBatch]) {
        let started = ContinuousClock.now
        let reserved = batches.reduce(0) { $0 + $1.reservedBytes }
        if let failure = failed {
            for batch in batches {
                for (completion, _) in batch.answers { completion(.unavailable(failure)) }
            }
        } else if let total = write(batches) {
            if total.records > 0 || !syncing.isIdle {
                var written: [WrittenBatch] = []
                written.reserveCapacity(batches.count)
                for batch in batches {
                    written.append(WrittenBatch(answers: batch.answers, records: batch.records.count,
                                                bytes: 0, started: started))
                }
                // The bytes are reported once, with the batch that carries them all.
                written[written.count - 1].bytes = total.bytes
                syncing.hand(contentsOf: written)
            } else {
                for batch in batches {
                    for (completion, outcome) in batch.answers { completion(outcome) }
                }
            }
        }
        reservedBytes.subtract(reserved, ordering: .releasing)
    }

    // MARK: - The syncing thread (`.fsync`)

    /// Makes every batch written so far durable with one fsync and answers them in order. One
    /// fsync covers all that was written before it started, so batches written while it runs
    /// wait for the next.
    private func sync(_ batches: [WrittenBatch]) {
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

/// A catalog handed from the writer to submitting threads: one reference to take under the
/// lock, rather than a copy of the catalog's arrays.
private final class PublishedCatalog: Sendable {
    let catalog: Catalog

    init(_ catalog: Catalog) { self.catalog = catalog }
}
