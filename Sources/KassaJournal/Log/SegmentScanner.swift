import Glibc

/// What reading one segment file from start to end found.
public struct SegmentScan: Sendable {
    /// The segment's path.
    public var path: String
    /// Its size on disk.
    public var fileSize: Int
    /// The first sequence number its header names (nil when the header is unusable).
    public var firstSeq: UInt64?
    /// Records that verified, in order from the header on.
    public var records: Int = 0
    /// The last sequence number that verified.
    public var lastSeq: UInt64?
    /// The offset just past the last record that verified: where the next one goes.
    public var end: Int = SegmentFormat.headerSize
    /// The first thing that is wrong, if anything is.
    public var damage: Damage?

    /// Counts the valid record `seq`, whose frame ends at `end`, as read: both ways of scanning
    /// (window by window, and the whole file) keep these three together.
    mutating func accept(seq: UInt64, endingAt end: Int) {
        records += 1
        lastSeq = seq
        self.end = end
    }

    /// A place where the segment stops making sense.
    public struct Damage: Sendable, Equatable {
        /// Byte offset in the file.
        public var offset: Int
        /// What is wrong there.
        public var reason: String
        /// The first record after it that still verifies (offset, seq), if any: a sign of
        /// corruption in the middle of the log rather than a write cut short by a crash.
        public var validRecordAfter: (offset: Int, seq: UInt64)?

        public static func == (a: Damage, b: Damage) -> Bool {
            a.offset == b.offset && a.reason == b.reason && a.validRecordAfter?.offset == b.validRecordAfter?.offset
                && a.validRecordAfter?.seq == b.validRecordAfter?.seq
        }
    }
}

/// Reads segment files and checks every record: frame, checksum, sequence.
///
/// The segment is mapped (`SegmentMapping`) and its records checked and decoded where they
/// lie, one after another, for as long as they verify (`scanClean`). Anything else (a damaged
/// header or record, a cut or dirty tail) sends the scan to judging the whole file
/// (`scanWhole`) from the record it stopped at, as before.
enum SegmentScanner {
    /// Bytes of reserved space checked for zeros at a time, between asking the file system
    /// where its next data lies.
    static let windowBytes = 1 << 20
    /// Records verified and visited are let go of a mapping this many bytes at a time: the
    /// pages of a whole 64 MiB segment stayed mapped, and counted as the process's resident
    /// memory, until the segment was done (recovery's peak grew by about 35 MB).
    static let releaseBytes = 8 << 20

    /// Scans the segment at `path`; `recordBytesMax` bounds a plausible payload length.
    /// `visit` sees each verified record's sequence number and payload, in order.
    static func scan(path: String, recordBytesMax: Int,
                     visit: ((UInt64, UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> SegmentScan {
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let size = try FileIO.size(fd, path: path)
        let mapping = try SegmentMapping(fd: fd, size: size, path: path)
        var scan = SegmentScan(path: path, fileSize: size)
        let window = ScanWindow(fd: fd, mapping: mapping)
        guard let resume = try scanClean(window, into: &scan, recordBytesMax: recordBytesMax, visit: visit) else {
            return scan
        }
        try scanWhole(window, from: resume, into: &scan, recordBytesMax: recordBytesMax, visit: visit)
        return scan
    }

    /// Where `scanClean` stopped and handed over to `scanWhole`: the header, or a record
    /// after the header.
    struct Resume {
        /// Byte offset of the record to judge next; nil: the header.
        var offset: Int?
        var expected: UInt64 = 0
    }

    /// Visits records for as long as they verify, and a zero tail after them. Nil when the
    /// whole segment was clean; else where `scanWhole` takes over, `scan` holding what verified
    /// before it.
    private static func scanClean(_ window: ScanWindow, into scan: inout SegmentScan, recordBytesMax: Int,
                                  visit: ((UInt64, UnsafeRawBufferPointer) throws -> Void)?) throws -> Resume? {
        let size = window.size
        guard size >= SegmentFormat.headerSize, let headerBytes = window.bytes(at: 0, count: SegmentFormat.headerSize),
              case .success(let header) = SegmentFormat.parseHeader(headerBytes) else { return Resume() }
        scan.firstSeq = header.firstSeq
        var offset = SegmentFormat.headerSize
        var expected = header.firstSeq
        var released = 0
        while true {
            if offset - released >= releaseBytes {
                let next = offset & ~(releaseBytes - 1)
                window.mapping.release(from: released, to: next)
                released = next
            }
            let resume = Resume(offset: offset, expected: expected)
            guard offset + SegmentFormat.frameHeaderSize <= size,
                  let frameHeader = window.bytes(at: offset, count: SegmentFormat.frameHeaderSize) else { return resume }
            let length = Int(SegmentFormat.load(UInt32.self, frameHeader, 0))
            if length == 0 { return window.isZero(from: offset) ? nil : resume }
            guard length <= recordBytesMax, offset + SegmentFormat.recordSize(payloadBytes: length) <= size,
                  let frame = window.bytes(at: offset, count: SegmentFormat.frameHeaderSize + length) else { return resume }
            let stored = SegmentFormat.load(UInt32.self, frame, 4)
            let seq = SegmentFormat.load(UInt64.self, frame, 8)
            guard SegmentFormat.recordChecksum(frame) == stored, seq == expected else { return resume }
            try visit?(seq, UnsafeRawBufferPointer(rebasing: frame[SegmentFormat.frameHeaderSize...]))
            expected = seq + 1
            offset += SegmentFormat.recordSize(payloadBytes: length)
            scan.accept(seq: seq, endingAt: offset)
        }
    }

    /// Goes on from `resume` (where `scanClean` stopped) through the whole segment, judging
    /// the first thing that is wrong with everything after it in view.
    private static func scanWhole(_ window: ScanWindow, from resume: Resume, into scan: inout SegmentScan, recordBytesMax: Int,
                                  visit: ((UInt64, UnsafeRawBufferPointer) throws -> Void)?) throws {
        let bytes = window.mapping.bytes
        let got = bytes.count

        var offset: Int
        var expected: UInt64
        if let resumed = resume.offset {
            offset = resumed
            expected = resume.expected
        } else {
            guard got >= SegmentFormat.headerSize else {
                scan.end = 0
                scan.damage = .init(offset: 0, reason: "the file is shorter (\(got) bytes) than a segment header", validRecordAfter: nil)
                return
            }
            let header: SegmentFormat.Header
            switch SegmentFormat.parseHeader(UnsafeRawBufferPointer(rebasing: bytes[0..<SegmentFormat.headerSize])) {
            case .success(let parsed): header = parsed
            case .failure(let error):
                scan.end = 0
                scan.damage = .init(offset: 0, reason: "segment header: \(error)", validRecordAfter: nil)
                return
            }
            scan.firstSeq = header.firstSeq
            offset = SegmentFormat.headerSize
            expected = header.firstSeq
        }
        while true {
            let problem: String
            if offset + SegmentFormat.frameHeaderSize > got {
                if isZero(bytes, from: offset) { break }
                problem = "a record header is cut short by the end of the file"
            } else {
                let length = Int(SegmentFormat.load(UInt32.self, bytes, offset))
                if length == 0 {
                    if isZero(bytes, from: offset) { break }
                    problem = "a record has length 0 but the bytes after it are not zero"
                } else if length > recordBytesMax {
                    problem = "a record claims \(length) bytes, more than the largest record (\(recordBytesMax))"
                } else if offset + SegmentFormat.recordSize(payloadBytes: length) > got {
                    problem = "a record of \(length) bytes runs past the end of the file (\(got) bytes)"
                } else {
                    let frame = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + SegmentFormat.frameHeaderSize + length)])
                    let stored = SegmentFormat.load(UInt32.self, bytes, offset + 4)
                    let seq = SegmentFormat.load(UInt64.self, bytes, offset + 8)
                    if SegmentFormat.recordChecksum(frame) != stored {
                        problem = "record checksum mismatch"
                    } else if seq != expected {
                        problem = "record has sequence number \(seq) where \(expected) was expected"
                    } else {
                        try visit?(seq, UnsafeRawBufferPointer(rebasing: frame[SegmentFormat.frameHeaderSize...]))
                        expected = seq + 1
                        offset += SegmentFormat.recordSize(payloadBytes: length)
                        scan.accept(seq: seq, endingAt: offset)
                        continue
                    }
                }
            }
            scan.damage = .init(offset: offset, reason: problem,
                                validRecordAfter: findValidRecord(bytes, after: offset, minSeq: expected, recordBytesMax: recordBytesMax))
            break
        }
    }

    /// The first 8-aligned position after `offset` holding a record that verifies with a
    /// sequence number of at least `minSeq`.
    static func findValidRecord(_ bytes: UnsafeRawBufferPointer, after offset: Int, minSeq: UInt64, recordBytesMax: Int) -> (offset: Int, seq: UInt64)? {
        var position = offset + 8
        while position + SegmentFormat.frameHeaderSize <= bytes.count {
            let length = Int(SegmentFormat.load(UInt32.self, bytes, position))
            if length > 0, length <= recordBytesMax, position + SegmentFormat.frameHeaderSize + length <= bytes.count {
                let seq = SegmentFormat.load(UInt64.self, bytes, position + 8)
                if seq >= minSeq {
                    let frame = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + SegmentFormat.frameHeaderSize + length)])
                    if SegmentFormat.recordChecksum(frame) == SegmentFormat.load(UInt32.self, bytes, position + 4) {
                        return (position, seq)
                    }
                }
            }
            position += 8
        }
        return nil
    }

    /// Whether every byte from `offset` to the end is zero.
    static func isZero(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        var i = offset
        while i < bytes.count && i % 8 != 0 {
            if bytes[i] != 0 { return false }
            i += 1
        }
        while i + 8 <= bytes.count {
            if bytes.load(fromByteOffset: i, as: UInt64.self) != 0 { return false }
            i += 8
        }
        while i < bytes.count {
            if bytes[i] != 0 { return false }
            i += 1
        }
        return true
    }
}

/// A segment file as it lies in the page cache, mapped for reading: the scan reads records
/// where the kernel holds them, where reading them into a buffer of our own first copied every
/// byte of the journal once more (about a twentieth of recovery's reading thread).
///
/// Mapped read-only and private, and only while one segment is scanned. A file cut shorter
/// while it is mapped raises SIGBUS on a read past its new end. No writer cuts a segment while
/// it is scanned (start-up scans before it opens the writer, under the data directory's lock,
/// and the running writer never shortens a file), so only `kassa wal verify`, which reads
/// without the lock, could meet it, if run at the moment a starting service cuts a torn tail;
/// that command turns the signal into a message and exit status 2 (`WalCommand.swift`).
final class SegmentMapping {
    /// The file's bytes; empty for an empty file.
    let bytes: UnsafeRawBufferPointer

    /// Maps the `size` bytes of the open file `fd`.
    init(fd: Int32, size: Int, path: String) throws(FileError) {
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw FileError("map", path)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let address = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: address), bytes.count) }
    }

    /// Lets go of the pages from `start` to `end` (multiples of the page size): they stay in
    /// the page cache, and a later look at them maps them again.
    func release(from start: Int, to end: Int) {
        let end = min(end, bytes.count)
        guard let address = bytes.baseAddress, start >= 0, end > start else { return }
        // MADV_DONTNEED: for a read-only file mapping, unmaps the pages and nothing more.
        let dontNeed: Int32 = 4
        madvise(UnsafeMutableRawPointer(mutating: address + start), end - start, dontNeed)
    }

    /// What `mmap` returns when it fails: `MAP_FAILED`, a macro the Glibc module leaves out.
    private let MAP_FAILED = UnsafeMutableRawPointer(bitPattern: -1)
}

/// Part of a segment file in view: the bytes of its mapping, looked at a window at a time.
struct ScanWindow {
    let fd: Int32
    let mapping: SegmentMapping

    /// The file's size.
    var size: Int { mapping.bytes.count }

    /// The `length` bytes at `offset` of the file; nil when the file ends before them.
    func bytes(at offset: Int, count length: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, length >= 0, offset + length <= mapping.bytes.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[offset..<(offset + length)])
    }

    /// Whether every byte from `offset` to the end of the file is zero (false when the file
    /// ends early). Space reserved for a segment and never written reads as zeros, so it is
    /// skipped instead of read: the kernel would zero every page of it to be checked here.
    /// Only the data the file system reports is read, up to where it says the data ends: a
    /// window read past that end had the kernel read ahead into the reserved space, which
    /// then counted as data, and so on to the end of the segment (a twentieth of recovery's
    /// reading thread, zeroing pages only to check they were zero).
    func isZero(from offset: Int) -> Bool {
        var at = offset
        while at < size {
            guard let data = FileIO.nextData(fd, from: at) else { return true }
            at = max(at, data)
            guard at < size else { return true }
            let end = FileIO.dataEnd(fd, from: at, size: size)
            let length = min(SegmentScanner.windowBytes, (end > at ? end : size) - at)
            guard let bytes = bytes(at: at, count: length), SegmentScanner.isZero(bytes, from: 0) else { return false }
            at += length
        }
        return true
    }
}
