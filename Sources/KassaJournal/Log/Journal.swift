import Glibc

/// Opening a journal directory: verify every record, cut a torn tail, refuse corruption, and
/// position the writer after the last good record.
public enum Journal {
    /// What opening found and did.
    public struct Opened: Sendable {
        /// The writer, positioned after the last good record.
        public var writer: JournalWriter
        /// What the scan found.
        public var report: JournalScanReport
        /// The torn tail that was cut, if any.
        public var cut: TornTail?
        /// Leftover temporary files removed.
        public var removedTemporaryFiles: [String]
    }

    /// Opens (creating if needed) the journal in `directory`. An empty journal starts at
    /// `firstSeqIfEmpty`. `visit` sees every good record in order before the writer opens;
    /// recovery rebuilds the Ledger from it. Throws `JournalCorruption` when the log is damaged
    /// somewhere other than its tail.
    public static func open(directory: String, options: JournalWriter.Options, firstSeqIfEmpty: UInt64 = 1,
                            nowMs: @escaping @Sendable () -> UInt64 = Journal.wallClockMs,
                            visit: ((UInt64, UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> Opened {
        try options.validate()
        try FileIO.makeDirectories(directory)
        let report = try JournalScanner.scan(directory: directory, recordBytesMax: options.recordBytesMax, visit: visit)
        var cut: TornTail?
        switch report.verdict {
        case .corrupt(let corruption):
            throw corruption
        case .tornTail(let torn):
            try cutTail(torn, options: options)
            cut = torn
        case .clean:
            break
        }
        for temporary in report.temporaryFiles { try FileIO.unlink(temporary) }
        // A spare next segment from the last run is not trusted to be whole; one is made again
        // when needed.
        SpareSegment.removeLeftovers(in: directory)
        if cut != nil || !report.temporaryFiles.isEmpty { try FileIO.syncDirectory(directory) }

        let removed = Set(cut?.emptySegmentsAfter ?? [])
        let kept = report.segments.filter { !removed.contains($0.path) }
        guard let last = kept.last, let lastFirst = last.firstSeq else {
            let (fd, path) = try JournalWriter.createSegment(directory: directory, firstSeq: firstSeqIfEmpty, options: options, nowMs: nowMs())
            let writer = JournalWriter(directory: directory, options: options, openSegment: fd, path: path,
                                       end: SegmentFormat.headerSize, lastSeq: firstSeqIfEmpty - 1, segments: [firstSeqIfEmpty], nowMs: nowMs)
            return Opened(writer: writer, report: report, cut: cut, removedTemporaryFiles: report.temporaryFiles)
        }
        let fd = try FileIO.open(last.path, O_RDWR)
        do {
            // A segment shorter than configured (cut, or made with a smaller setting) gets its
            // room back so appends never extend the file.
            if try FileIO.size(fd, path: last.path) < options.segmentBytes {
                try FileIO.preallocate(fd, length: options.segmentBytes, path: last.path)
                try FileIO.fsync(fd, path: last.path)
            }
        } catch {
            close(fd)
            throw error
        }
        let writer = JournalWriter(directory: directory, options: options, openSegment: fd, path: last.path,
                                   end: cut?.path == last.path ? cut!.offset : last.end,
                                   lastSeq: report.lastSeq ?? (lastFirst - 1),
                                   segments: kept.compactMap(\.firstSeq), nowMs: nowMs)
        return Opened(writer: writer, report: report, cut: cut, removedTemporaryFiles: report.temporaryFiles)
    }

    /// Cuts the log at the end of the last good record: the rest of that segment becomes zero
    /// again and empty segments after it are removed.
    private static func cutTail(_ torn: TornTail, options: JournalWriter.Options) throws {
        let fd = try FileIO.open(torn.path, O_RDWR)
        defer { close(fd) }
        try FileIO.truncate(fd, length: torn.offset, path: torn.path)
        try FileIO.preallocate(fd, length: options.segmentBytes, path: torn.path)
        try FileIO.fsync(fd, path: torn.path)
        for empty in torn.emptySegmentsAfter { try FileIO.unlink(empty) }
    }

    /// Milliseconds since the epoch from the system clock.
    public static let wallClockMs: @Sendable () -> UInt64 = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
    }
}
