import Foundation
import KassaCore

/// The background thread that feeds SQLite: the purchase history from the journal (only what is
/// durable), incremental snapshots of the Ledger at durable batch boundaries, and removal of
/// journal segments that recovery no longer needs. Never on the writer's path: a slow or failing
/// SQLite delays only the history, never a sale.
public final class Projector: @unchecked Sendable {
    /// The projector's pace.
    public struct Options: Sendable {
        /// Most journal entries per SQLite transaction.
        public var historyBatchMax = 5000
        /// How often a snapshot is taken.
        public var snapshotInterval: Duration = .seconds(300)
        /// How often the journal is polled for new entries.
        public var pollInterval: Duration = .milliseconds(200)

        /// The defaults.
        public init() {}
    }

    private let store: ProjectionStore
    private let journal: JournalWriter
    private let committer: GroupCommitter
    private let options: Options
    private let recordBytesMax: Int
    private let warn: @Sendable (String) -> Void

    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false
    private var thread: Thread?
    // Guards the work itself, which both the thread and `runOnce` may do.
    private let work = NSLock()
    private var reader: JournalReader?
    private var pendingChanges = LedgerChanges()
    private var lastSnapshot = ContinuousClock.now
    private var lastWarning = ""

    init(store: ProjectionStore, journal: JournalWriter, committer: GroupCommitter, options: Options,
         recordBytesMax: Int, warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.journal = journal
        self.committer = committer
        self.options = options
        self.recordBytesMax = recordBytesMax
        self.warn = warn
    }

    func start() throws {
        let positions = try store.positions()
        reader = JournalReader(directory: journal.directory, from: positions.historySeq + 1, recordBytesMax: recordBytesMax)
        let thread = Thread { [self] in
            nameThisThread("kassa-projector")
            self.run()
        }
        thread.name = "kassa-projector"
        self.thread = thread
        thread.start()
    }

    /// Catches up, takes a final snapshot, and stops the thread.
    func stop() {
        condition.lock()
        guard thread != nil else { condition.unlock(); return }
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds(options.pollInterval))) }
            let finishing = stopping
            condition.unlock()
            let due = ContinuousClock.now - lastSnapshot >= options.snapshotInterval
            do {
                try runOnce(snapshot: due || finishing)
            } catch {
                let message = "projection into SQLite failed, will retry: \(error)"
                if message != lastWarning { warn(message) }
                lastWarning = message
            }
            if finishing {
                condition.lock()
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    /// Projects every durable journal entry not yet in the history; with `snapshot`, also writes
    /// a snapshot and removes the journal segments it makes unnecessary.
    func runOnce(snapshot: Bool) throws {
        work.lock()
        defer { work.unlock() }
        try projectHistory()
        if snapshot {
            try writeSnapshot()
            lastSnapshot = ContinuousClock.now
        }
    }

    private func projectHistory() throws {
        guard let reader else { return }
        do {
            try store.projectHistory(from: reader, upTo: journal.durableSeq, batchMax: options.historyBatchMax)
        } catch {
            // The reader has gone past records whose transaction was rolled back: the next
            // attempt reads again from the last one the history holds.
            let positions = try store.positions()
            self.reader = JournalReader(directory: journal.directory, from: positions.historySeq + 1, recordBytesMax: recordBytesMax)
            throw error
        }
    }

    private func writeSnapshot() throws {
        guard let taken = committer.snapshot() else { return }
        pendingChanges.customers.formUnion(taken.changes.customers)
        pendingChanges.products.formUnion(taken.changes.products)
        // Changes are kept until a snapshot holding them is committed, so a failed write only
        // delays them.
        try store.writeSnapshot(of: taken.ledger, changes: pendingChanges)
        pendingChanges = LedgerChanges()
        let positions = try store.positions()
        let keepFrom = min(positions.snapshotSeq + 1, positions.indexFromSeq, positions.historySeq + 1)
        try journal.removeSegments(coveredBefore: keepFrom)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
