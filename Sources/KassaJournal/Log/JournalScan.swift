import Glibc

/// The damage found in a journal that is not a torn tail: start-up must stop.
public struct JournalCorruption: Error, CustomStringConvertible, Sendable {
    /// The segment file.
    public var path: String
    /// Byte offset of the damage in it.
    public var offset: Int
    /// What is wrong.
    public var reason: String
    /// Why this is not a torn tail from a crash.
    public var evidence: String

    public var description: String {
        "the journal is damaged in \(path) at byte \(offset): \(reason); \(evidence). "
            + "This is not a write cut short by a crash, so start-up stopped rather than drop acknowledged records. "
            + "Run `kassa wal verify --data <data dir>` for a full report."
    }
}

/// A torn tail: the end of the log was cut short by a crash; everything before it verifies.
public struct TornTail: Sendable, Equatable {
    /// The segment with the partial record.
    public var path: String
    /// Where the last good record ends; the log is cut here.
    public var offset: Int
    /// What was found there.
    public var reason: String
    /// Later segments that hold no records (created just before the crash); removed with the cut.
    public var emptySegmentsAfter: [String]
}

/// What reading a whole journal directory found.
public struct JournalScanReport: Sendable {
    /// Every segment, in sequence order.
    public var segments: [SegmentScan] = []
    /// Records that verified, over all segments.
    public var records: Int = 0
    /// The first sequence number present.
    public var firstSeq: UInt64?
    /// The last sequence number that verified.
    public var lastSeq: UInt64?
    /// Leftover `*.wal.tmp` files from a crash while a segment was being created.
    public var temporaryFiles: [String] = []
    /// The verdict.
    public var verdict: Verdict = .clean

    /// Whether the log can be used as is, must be cut, or must not be used.
    public enum Verdict: Sendable {
        /// Every byte verifies.
        case clean
        /// The end was cut short by a crash; cut it and go on.
        case tornTail(TornTail)
        /// Damage with valid records after it; stop.
        case corrupt(JournalCorruption)
    }
}

/// Reads a journal directory and decides whether it is clean, torn at the tail, or corrupt.
public enum JournalScanner {
    /// Scans every segment in `directory`. `visit` sees each verified record, in sequence order,
    /// up to the first damage; when the verdict is `corrupt` the caller must discard what it saw.
    public static func scan(directory: String, recordBytesMax: Int,
                            visit: ((UInt64, UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> JournalScanReport {
        var report = JournalScanReport()
        var segmentNames: [(UInt64, String)] = []
        for name in try FileIO.list(directory) {
            if name.hasSuffix(SegmentFormat.suffix + ".tmp") {
                report.temporaryFiles.append(directory + "/" + name)
            } else if let seq = SegmentFormat.firstSeq(fileName: name) {
                segmentNames.append((seq, name))
            }
        }
        segmentNames.sort { $0.0 < $1.0 }

        var stoppedAt: (index: Int, damage: SegmentScan.Damage)?
        var expectedNext: UInt64?
        for (index, (nameSeq, name)) in segmentNames.enumerated() {
            let path = directory + "/" + name
            let visiting = stoppedAt == nil ? visit : nil
            var scan = try SegmentScanner.scan(path: path, recordBytesMax: recordBytesMax, visit: visiting)
            if scan.damage == nil, let first = scan.firstSeq, first != nameSeq {
                scan.damage = .init(offset: 16, reason: "the header says the first record is \(first) but the file name says \(nameSeq)", validRecordAfter: nil)
                scan.records = 0
                scan.lastSeq = nil
            }
            report.segments.append(scan)
            if stoppedAt != nil { continue }
            if let expected = expectedNext, let first = scan.firstSeq, first != expected {
                report.verdict = .corrupt(JournalCorruption(
                    path: path, offset: 0, reason: "records \(expected) to \(first &- 1) are missing before this segment",
                    evidence: "the segments before it end at \(expected &- 1)"))
                return report
            }
            if scan.records > 0 {
                if report.firstSeq == nil { report.firstSeq = scan.firstSeq }
                report.lastSeq = scan.lastSeq
                report.records += scan.records
            }
            if let first = scan.firstSeq { expectedNext = (scan.lastSeq ?? (first &- 1)) &+ 1 }
            if let damage = scan.damage { stoppedAt = (index, damage) }
        }
        guard let (index, damage) = stoppedAt else { return report }
        let damaged = report.segments[index]
        if let after = damage.validRecordAfter {
            report.verdict = .corrupt(JournalCorruption(
                path: damaged.path, offset: damage.offset, reason: damage.reason,
                evidence: "record \(after.seq) at byte \(after.offset) of the same file still verifies"))
            return report
        }
        let later = report.segments[(index + 1)...]
        if let withRecords = later.first(where: { $0.records > 0 || $0.damage != nil }) {
            report.verdict = .corrupt(JournalCorruption(
                path: damaged.path, offset: damage.offset, reason: damage.reason,
                evidence: "the later segment \(withRecords.path) is not empty"))
            return report
        }
        if damaged.firstSeq == nil {
            // An unusable header is never a torn write: segments are created under a temporary
            // name and renamed only once their header is on disk.
            report.verdict = .corrupt(JournalCorruption(
                path: damaged.path, offset: damage.offset, reason: damage.reason,
                evidence: "segment headers are written and synced before the segment is named, so a crash cannot leave one half written"))
            return report
        }
        report.verdict = .tornTail(TornTail(path: damaged.path, offset: damaged.end, reason: damage.reason,
                                            emptySegmentsAfter: later.map(\.path)))
        return report
    }
}
