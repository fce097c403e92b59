import Foundation
import KassaCore

/// A data directory opened for business: the lock taken, the Ledger recovered from the SQLite
/// snapshot and the journal, the group committer writing, and the projector feeding SQLite in
/// the background.
///
/// ```
/// DATA/kassa.lock       held while a process uses the directory
/// DATA/journal/*.wal    the write-ahead journal
/// DATA/kassa.sqlite     snapshots and the purchase history
/// ```
public final class Storage: @unchecked Sendable {
    /// Everything configurable.
    public struct Options: Sendable {
        /// Segment size and record bound.
        public var journal = JournalWriter.Options()
        /// Durability and queue bounds.
        public var commit = GroupCommitter.Options()
        /// The Ledger's bounds.
        public var limits = LedgerLimits()
        /// The projector's pace.
        public var projection = Projector.Options()

        /// The defaults.
        public init() {}
    }

    /// What recovery found and did, for the start-up message and `/metrics`.
    public struct RecoveryReport: Sendable, CustomStringConvertible {
        /// The snapshot's journal position (0: none).
        public var snapshotSeq: UInt64 = 0
        /// Customers the snapshot held.
        public var snapshotCustomers = 0
        /// Journal entries read back into the receipt index.
        public var indexEntries = 0
        /// Journal entries replayed after the snapshot.
        public var replayed = 0
        /// The last sequence number recovered.
        public var lastSeq: UInt64 = 0
        /// Journal segments found.
        public var segments = 0
        /// A torn tail that was cut.
        public var cut: TornTail?
        /// Leftover temporary files removed.
        public var removedTemporaryFiles: [String] = []
        /// How long it took.
        public var duration: Duration = .zero

        public var description: String {
            var text = "recovered to entry \(lastSeq): snapshot at \(snapshotSeq) (\(snapshotCustomers) customers), "
                + "\(replayed) journal entries replayed, \(indexEntries) read for the receipt index, \(segments) segments, "
                + "in \(duration.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))"
            if let cut {
                text += "; cut a torn tail in \(cut.path) at byte \(cut.offset) (\(cut.reason))"
            }
            return text
        }
    }

    /// The data directory.
    public let directory: String
    /// The one writer; submit commands and read the Ledger through it.
    public let committer: GroupCommitter
    /// The journal's append side.
    public let journal: JournalWriter
    /// Snapshots and history.
    public let projection: ProjectionStore
    /// What recovery did.
    public let recovery: RecoveryReport
    private let projector: Projector
    private let lock: DataDirectoryLock

    /// The journal's directory inside data directory `directory`.
    public static func journalDirectory(of directory: String) -> String { directory + "/journal" }

    /// Whether `directory` holds a journal: a data directory that `open` has made, rather than
    /// a mistyped path or an empty directory.
    public static func hasJournal(_ directory: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: journalDirectory(of: directory), isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Opens `directory` (creating it), recovers, and starts writing and projecting.
    /// Throws `JournalCorruption` when the journal is damaged other than at its tail.
    public static func open(directory: String, options: Options = Options(), pricing: any SalePricing,
                            clock: @escaping @Sendable () -> Timestamp = Storage.systemClock,
                            warn: @escaping @Sendable (String) -> Void = { _ in },
                            observer: (any CommitObserver)? = nil) throws -> Storage {
        let started = ContinuousClock.now
        try FileIO.makeDirectories(directory)
        let lock = try DataDirectoryLock(directory: directory)
        let projection = try ProjectionStore(path: directory + "/kassa.sqlite")
        let snapshot = try projection.loadSnapshot(limits: options.limits)
        var report = RecoveryReport()
        report.snapshotSeq = snapshot.seq
        report.snapshotCustomers = snapshot.customers

        var restored = snapshot.ledger
        restored.restore(lastSeq: snapshot.seq)
        var firstSeen: UInt64?
        // This thread reads, checks and decodes the journal; a second one records the entries.
        let snapshotSeq = snapshot.seq
        // Each entry is passed on with `consume`: without it the closure copies the entry it
        // was handed before recording it.
        let replay = PipelinedReplay(ledger: restored) { ledger, entry in
            if entry.seq <= snapshotSeq { ledger.restoreIndex(consume entry) } else { try ledger.replay(consume entry) }
        }
        var decoder = ReplayDecoder()
        let opened: Journal.Opened
        do {
            opened = try Journal.open(directory: journalDirectory(of: directory), options: options.journal,
                                      firstSeqIfEmpty: snapshot.seq + 1, visit: { seq, payload in
                if firstSeen == nil { firstSeen = seq }
                guard seq >= snapshot.indexFromSeq else { return }
                let entry: ReplayEntry
                do {
                    entry = try decoder.decode(seq: seq, payload: payload)
                } catch {
                    throw RecoveryError(description: "journal entry \(seq) verifies but cannot be read: \(error). It was written by a newer or damaged build; start-up stopped")
                }
                if seq <= snapshot.seq { report.indexEntries += 1 } else { report.replayed += 1 }
                try replay.add(entry)
            })
        } catch {
            replay.abandon()
            throw error
        }
        let ledger = try replay.finish()
        report.segments = opened.report.segments.count
        report.cut = opened.cut
        report.removedTemporaryFiles = opened.removedTemporaryFiles
        if let cut = opened.cut {
            warn("journal: cut a torn tail in \(cut.path) at byte \(cut.offset): \(cut.reason). Records after the last good one were never acknowledged.")
        }
        let needed = min(snapshot.indexFromSeq, snapshot.seq + 1)
        if let first = firstSeen, first > needed {
            throw RecoveryError(description: "the journal starts at entry \(first) but the snapshot needs entries from \(needed): journal segments are missing from \(directory)/journal")
        }
        if opened.writer.lastSeq < snapshot.seq {
            throw RecoveryError(description: "the journal ends at entry \(opened.writer.lastSeq) but the snapshot covers entries to \(snapshot.seq): journal segments are missing from \(directory)/journal")
        }
        guard ledger.lastSeq == opened.writer.lastSeq else {
            throw RecoveryError(description: "the Ledger recovered to entry \(ledger.lastSeq) but the journal ends at \(opened.writer.lastSeq)")
        }
        report.lastSeq = ledger.lastSeq
        report.duration = ContinuousClock.now - started

        let committer = GroupCommitter(ledger: ledger, log: opened.writer, pricing: pricing, options: options.commit,
                                       observer: observer, clock: clock)
        let projector = Projector(store: projection, journal: opened.writer, committer: committer,
                                  options: options.projection, recordBytesMax: options.journal.recordBytesMax, warn: warn)
        let storage = Storage(directory: directory, committer: committer, journal: opened.writer, projection: projection,
                              recovery: report, projector: projector, lock: lock)
        committer.start()
        try projector.start()
        return storage
    }

    private init(directory: String, committer: GroupCommitter, journal: JournalWriter, projection: ProjectionStore,
                 recovery: RecoveryReport, projector: Projector, lock: DataDirectoryLock) {
        self.directory = directory
        self.committer = committer
        self.journal = journal
        self.projection = projection
        self.recovery = recovery
        self.projector = projector
        self.lock = lock
    }

    /// Answers what is queued, syncs, brings the history and snapshot up to date, and stops.
    /// Safe to call more than once.
    public func stop() {
        committer.stop()
        projector.stop()
        lock.release()
    }

    /// Runs the projector's work now (history, snapshot, segment removal) and waits for it.
    public func projectNow(snapshot: Bool) throws {
        try projector.runOnce(snapshot: snapshot)
    }

    /// The server clock: now, with the machine's UTC offset.
    public static let systemClock: @Sendable () -> Timestamp = {
        let now = Date()
        let offset = TimeZone.current.secondsFromGMT(for: now) / 60
        return Timestamp(epochMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded(.down)), offsetMinutes: Int16(offset))
    }
}

/// Recovery cannot go on; the message says why and what to do.
public struct RecoveryError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
