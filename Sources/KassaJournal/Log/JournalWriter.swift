import Dispatch
import Glibc
import Synchronization

/// The journal's append side: buffers framed records, writes each batch with one `pwrite`, makes
/// it durable with one `fdatasync`, and rolls to a new preallocated segment when the current one
/// is full. Used by the group committer's one thread; `durableSeq`, `segments` and
/// `removeSegments(coveredBefore:)` may be called from others.
public final class JournalWriter: CommitLog, @unchecked Sendable {
    /// Segment size and record bound.
    public struct Options: Sendable {
        /// Bytes per segment, preallocated when it is created.
        public var segmentBytes: Int = 64 << 20
        /// The largest payload accepted.
        public var recordBytesMax: Int = 1 << 20

        /// The defaults.
        public init(segmentBytes: Int = 64 << 20, recordBytesMax: Int = 1 << 20) {
            self.segmentBytes = segmentBytes
            self.recordBytesMax = recordBytesMax
        }

        func validate() throws(JournalConfigurationError) {
            guard recordBytesMax >= 1024 else { throw JournalConfigurationError("journal.record_bytes_max must be at least 1024, got \(recordBytesMax)") }
            let least = SegmentFormat.headerSize + 2 * SegmentFormat.recordSize(payloadBytes: recordBytesMax)
            guard segmentBytes >= least else {
                throw JournalConfigurationError("journal.segment_bytes (\(segmentBytes)) must hold at least two of the largest records: \(least) or more")
            }
            guard segmentBytes <= 1 << 34 else { throw JournalConfigurationError("journal.segment_bytes must be at most 16 GiB, got \(segmentBytes)") }
        }
    }

    /// The journal directory.
    public let directory: String
    private let options: Options
    private var fd: Int32
    private var path: String
    private var writeOffset: Int
    private var buffer: [UInt8] = []
    private var bufferedRecords = 0
    /// What a sync needs, shared between the appending thread and the one that syncs: the file
    /// being written, the last record written to it, and whether anything written is unsynced.
    private struct Written {
        var fd: Int32
        var path: String
        var seq: UInt64
        var unsynced: Bool
    }
    private let written: Mutex<Written>
    private var nextSeq: UInt64
    private let durable: Atomic<UInt64>
    private let segmentList: Mutex<[UInt64]>
    /// Time source for segment headers.
    private let nowMs: @Sendable () -> UInt64
    /// The next segment's file, made ahead of the roll (`SpareSegment`).
    private let spare: SpareSegment
    /// Whether the spare for the current segment was asked for.
    /// Set once the spare is asked for; read by `canAppend` on the deciding thread while the
    /// appending thread may set it.
    private let spareRequested = Atomic<Bool>(false)
    /// Where the next record starts (written and buffered bytes counted), for `canAppend` on a
    /// thread other than the appending one.
    private let end: Atomic<Int>
    /// Whether the current segment was a spare (written zeros). One that was only
    /// preallocated (a new journal's first, the one reopened at start, or made at a roll with
    /// no spare ready) is left early, for a spare, once `earlySpareBytes` went into it.
    private var fromSpare = false
    /// Where this process started writing the current segment.
    private var segmentStart: Int
    /// Bytes written into a preallocated segment after which a spare is made and taken as soon
    /// as it is ready: a busy journal soon writes only over zeros, and a quiet one (a test's)
    /// never spends the disk's time on a spare.
    static let earlySpareBytes = 4 << 20

    /// Whether the spare next segment is ready for the next roll to take.
    var spareIsReady: Bool { spare.isReady }

    /// The sequence number of the last record appended (buffered or written).
    public private(set) var lastSeq: UInt64

    init(directory: String, options: Options, openSegment fd: Int32, path: String, end: Int,
         lastSeq: UInt64, segments: [UInt64], nowMs: @escaping @Sendable () -> UInt64) {
        self.directory = directory
        self.options = options
        self.fd = fd
        self.path = path
        self.writeOffset = end
        self.end = Atomic(end)
        self.segmentStart = end
        self.lastSeq = lastSeq
        self.written = Mutex(Written(fd: fd, path: path, seq: lastSeq, unsynced: false))
        self.nextSeq = lastSeq + 1
        self.durable = Atomic(lastSeq)
        self.segmentList = Mutex(segments)
        self.nowMs = nowMs
        self.spare = SpareSegment(directory: directory, bytes: options.segmentBytes)
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        close(fd)
        spare.close()
    }

    /// The last sequence number known to be on disk (after `fdatasync`). Readers that project
    /// the journal elsewhere must not go past it, or they could record what a crash then loses.
    public var durableSeq: UInt64 { durable.load(ordering: .acquiring) }

    /// First sequence numbers of the segments on disk, oldest first.
    public var segments: [UInt64] { segmentList.withLock { $0 } }

    // MARK: - CommitLog

    public var recordBytesMax: Int { options.recordBytesMax }

    private var remainingBytes: Int { options.segmentBytes - writeOffset - buffer.count }

    /// Whether a record with `payloadBytes` fits the current segment after what is buffered.
    public func canAppend(payloadBytes: Int) -> Bool {
        canAppend(payloadBytes: payloadBytes, reservedBytes: 0)
    }

    public func canAppend(payloadBytes: Int, reservedBytes: Int) -> Bool {
        // A ready spare ends a preallocated segment early: the committer then rolls at its next
        // batch, as for a full one. `fromSpare` changes only when segments roll, which never
        // overlaps an append.
        if spareRequested.load(ordering: .relaxed), !fromSpare, spare.isReady { return false }
        let left = options.segmentBytes - end.load(ordering: .acquiring)
        return SegmentFormat.recordSize(payloadBytes: payloadBytes) + reservedBytes <= left
    }

    public func ensureCapacity(forPayloadBytes payloadBytes: Int) throws {
        if canAppend(payloadBytes: payloadBytes) { return }
        precondition(payloadBytes <= options.recordBytesMax, "a record of \(payloadBytes) bytes is over the limit")
        if !buffer.isEmpty { try flush() }
        // The records of the full segment must be durable before any record goes to the next
        // one, so a crash can never leave a hole followed by valid records.
        if written.withLock({ $0.unsynced }) { try sync() }
        try openNextSegment()
    }

    public func append(_ payload: UnsafeRawBufferPointer) throws -> UInt64 {
        guard payload.count > 0, payload.count <= options.recordBytesMax else {
            throw FileError("append a record of \(payload.count) bytes (limit \(options.recordBytesMax)) to", path, code: EMSGSIZE)
        }
        guard SegmentFormat.recordSize(payloadBytes: payload.count) <= remainingBytes else {
            throw FileError("append a record beyond the end of", path, code: ENOSPC)
        }
        let seq = nextSeq
        SegmentFormat.appendRecord(seq: seq, payload: payload, to: &buffer)
        bufferedRecords += 1
        end.store(writeOffset + buffer.count, ordering: .releasing)
        nextSeq += 1
        lastSeq = seq
        return seq
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in try FileIO.pwriteAll(fd, raw, at: writeOffset, path: path) }
        writeOffset += buffer.count
        buffer.removeAll(keepingCapacity: true)
        bufferedRecords = 0
        // Half way through a segment the next one is made ready (sooner after a preallocated
        // one): a server that writes little never spends the disk's time on it.
        let threshold = fromSpare ? options.segmentBytes / 2 : min(options.segmentBytes / 2, JournalWriter.earlySpareBytes)
        if !spareRequested.load(ordering: .relaxed), writeOffset - segmentStart > threshold {
            spareRequested.store(true, ordering: .relaxed)
            spare.prepare()
        }
        let seq = lastSeq
        written.withLock { written in
            written.seq = seq
            written.unsynced = true
        }
    }

    /// Makes durable what was written before the call, and returns the last sequence number
    /// that covers. It may run on another thread while this one appends and writes (records
    /// written meanwhile are left for the next sync), but never while a segment is rolled.
    @discardableResult
    public func sync() throws -> UInt64 {
        let target = written.withLock { ($0.fd, $0.path, $0.seq) }
        try FileIO.fdatasync(target.0, path: target.1)
        written.withLock { written in
            if written.seq == target.2 { written.unsynced = false }
        }
        // Syncs never overlap (the committer has one syncing thread and drains it before a
        // roll), so the durable position only moves forward.
        durable.store(target.2, ordering: .releasing)
        return target.2
    }

    public func isOutOfSpace(_ error: any Error) -> Bool {
        (error as? FileError)?.isOutOfSpace ?? false
    }

    // MARK: - Segments

    /// Creates the segment that starts at `nextSeq`: written under a temporary name, preallocated,
    /// header synced, renamed, directory synced. On failure nothing changes and the temporary file
    /// is removed.
    private func openNextSegment() throws {
        let newFd: Int32, newPath: String
        if let ready = spare.take() {
            (newFd, newPath) = try JournalWriter.name(ready, at: spare.path, directory: directory, firstSeq: nextSeq, nowMs: nowMs())
            fromSpare = true
        } else {
            (newFd, newPath) = try JournalWriter.createSegment(directory: directory, firstSeq: nextSeq, options: options, nowMs: nowMs())
            fromSpare = false
        }
        spareRequested.store(false, ordering: .relaxed)
        close(fd)
        fd = newFd
        path = newPath
        written.withLock { written in
            written.fd = newFd
            written.path = newPath
        }
        writeOffset = SegmentFormat.headerSize
        end.store(writeOffset, ordering: .releasing)
        segmentStart = writeOffset
        let first = nextSeq
        segmentList.withLock { $0.append(first) }
    }

    static func createSegment(directory: String, firstSeq: UInt64, options: Options, nowMs: UInt64) throws -> (Int32, String) {
        let temporaryPath = directory + "/" + SegmentFormat.fileName(firstSeq: firstSeq) + ".tmp"
        let fd = try FileIO.open(temporaryPath, O_RDWR | O_CREAT | O_TRUNC, mode: 0o644)
        do {
            try FileIO.preallocate(fd, length: options.segmentBytes, path: temporaryPath)
        } catch let failure {
            close(fd)
            try? FileIO.unlink(temporaryPath)
            throw failure
        }
        return try name(fd, at: temporaryPath, directory: directory, firstSeq: firstSeq, nowMs: nowMs)
    }

    /// Makes the file `fd`, at `path` and already its full size (preallocated, or a spare of
    /// written zeros), the segment that starts at `firstSeq`: header written and synced,
    /// renamed, directory synced. On failure the file is closed and removed.
    private static func name(_ fd: Int32, at path: String, directory: String, firstSeq: UInt64, nowMs: UInt64) throws -> (Int32, String) {
        let finalPath = directory + "/" + SegmentFormat.fileName(firstSeq: firstSeq)
        do {
            let header = SegmentFormat.header(firstSeq: firstSeq, createdMs: nowMs)
            try header.withUnsafeBytes { raw in try FileIO.pwriteAll(fd, raw, at: 0, path: path) }
            try FileIO.fsync(fd, path: path)
            try FileIO.rename(path, finalPath)
            try FileIO.syncDirectory(directory)
        } catch let failure {
            close(fd)
            try? FileIO.unlink(path)
            throw failure
        }
        return (fd, finalPath)
    }

    /// Removes the segments whose records all come before `seq` (they are covered by a snapshot
    /// and the history), never the one being written. Returns the paths removed.
    @discardableResult
    public func removeSegments(coveredBefore seq: UInt64) throws -> [String] {
        let removable: [UInt64] = segmentList.withLock { list in
            var out: [UInt64] = []
            for i in 0..<(list.count - 1) where list[i + 1] <= seq { out.append(list[i]) }
            return out
        }
        guard !removable.isEmpty else { return [] }
        var removed: [String] = []
        for first in removable {
            let target = directory + "/" + SegmentFormat.fileName(firstSeq: first)
            try FileIO.unlink(target)
            removed.append(target)
            segmentList.withLock { list in list.removeAll { $0 == first } }
        }
        try FileIO.syncDirectory(directory)
        return removed
    }
}

/// A journal setting that cannot work.
public struct JournalConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The next segment, made ahead on another thread as a file of written zeros.
///
/// A segment is preallocated when it is created, and on ext4 preallocated blocks are
/// "unwritten": the first record written into each block changes the file's extents, and the
/// `fdatasync` that follows must write that change as well as the records. Over blocks that
/// already hold zeros it writes only the records. On this project's build machine that made a
/// sync after a 16 KiB write take a median 107–115 µs instead of 182–191 µs. PostgreSQL fills
/// its new WAL files with zeros for the same reason.
///
/// The spare is asked for once the current segment is half full, written and synced as
/// `next-segment-<token>.spare.partial`, then renamed to `next-segment-<token>.spare`, and taken
/// at the roll. The token is each writer's own, so a writer closed while its spare is still
/// being written never touches the spare of one opened after it on the same directory. When
/// none is ready (it is still being written, or writing it failed, for lack of space say) the
/// roll creates a preallocated segment as before. A spare left by a stop or a crash is removed
/// when the journal is opened; the scan never reads it as a segment.
final class SpareSegment: Sendable {
    static let prefix = "next-segment-"
    /// The ready spare's name ends so.
    static let suffix = ".spare"
    /// The name while it is being written ends so.
    static let partialSuffix = ".spare.partial"

    private struct State {
        var ready: Int32?
        var preparing = false
        var closed = false
    }

    /// The pause after each mebibyte of a spare: 64 MiB then take about a quarter of a second,
    /// far less than it takes a till-driven journal to fill the half segment before the roll.
    static let pauseMicroseconds: UInt32 = 2_000

    /// Where the ready spare is.
    let path: String
    private let partialPath: String
    private let bytes: Int
    private let state = Mutex(State())

    init(directory: String, bytes: Int) {
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        path = directory + "/" + SpareSegment.prefix + token + SpareSegment.suffix
        partialPath = directory + "/" + SpareSegment.prefix + token + SpareSegment.partialSuffix
        self.bytes = bytes
    }

    /// Whether `name` is a spare's, ready or half written.
    static func isSpare(_ name: String) -> Bool {
        name.hasPrefix(prefix) && (name.hasSuffix(suffix) || name.hasSuffix(partialSuffix))
    }

    /// Removes the spares left in `directory` by an earlier run, ready or half written.
    static func removeLeftovers(in directory: String) {
        for name in (try? FileIO.list(directory)) ?? [] where isSpare(name) { try? FileIO.unlink(directory + "/" + name) }
    }

    /// Starts writing a spare on another thread, unless one is ready or being written.
    func prepare() {
        let start = state.withLock { state in
            guard state.ready == nil, !state.preparing, !state.closed else { return false }
            state.preparing = true
            return true
        }
        guard start else { return }
        DispatchQueue.global(qos: .utility).async { self.write() }
    }

    /// Whether a spare is ready to be taken.
    var isReady: Bool { state.withLock { $0.ready != nil } }

    /// The ready spare's descriptor, now the caller's; nil when none is ready.
    func take() -> Int32? {
        state.withLock { state in
            defer { state.ready = nil }
            return state.ready
        }
    }

    /// Closes a ready spare and keeps any spare being written from becoming ready.
    func close() {
        let ready = state.withLock { state in
            state.closed = true
            defer { state.ready = nil }
            return state.ready
        }
        if let ready { Glibc.close(ready) }
    }

    private func write() {
        let partial = partialPath
        var fd: Int32 = -1
        do {
            fd = try FileIO.open(partial, O_RDWR | O_CREAT | O_TRUNC, mode: 0o644)
            let chunk = [UInt8](repeating: 0, count: 1 << 20)
            var offset = 0
            while offset < bytes {
                let count = min(chunk.count, bytes - offset)
                try chunk.withUnsafeBytes { raw in
                    try FileIO.pwriteAll(fd, UnsafeRawBufferPointer(rebasing: raw[0..<count]), at: offset, path: partial)
                }
                // Paced and synced a mebibyte at a time: the journal's syncs queue behind at most
                // that much on the disk, never behind the whole spare.
                try FileIO.fdatasync(fd, path: partial)
                offset += count
                usleep(SpareSegment.pauseMicroseconds)
            }
            try FileIO.fsync(fd, path: partial)
            try FileIO.rename(partial, path)
        } catch {
            // No spare this time: the roll preallocates, and says what is wrong if it cannot.
            if fd >= 0 { Glibc.close(fd) }
            try? FileIO.unlink(partial)
            state.withLock { $0.preparing = false }
            return
        }
        let keep = state.withLock { state in
            state.preparing = false
            guard !state.closed else { return false }
            state.ready = fd
            return true
        }
        if !keep {
            Glibc.close(fd)
            try? FileIO.unlink(path)
        }
    }
}
