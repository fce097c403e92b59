import Glibc

/// Reads journal records in order from a given sequence number, following the writer across
/// segments. The background projection uses it to feed SQLite; it never reads past the limit it
/// is given (the writer's durable position), so it never sees a record a crash could take back.
public final class JournalReader {
    private let directory: String
    private let recordBytesMax: Int
    private var fd: Int32 = -1
    private var path = ""
    private var segmentFirst: UInt64 = 0
    private var offset = 0
    /// The next sequence number to hand out.
    public private(set) var nextSeq: UInt64
    private var buffer: UnsafeMutableRawBufferPointer
    private var bufferStart = 0
    private var bufferCount = 0

    /// A reader that will hand out `seq` first.
    public init(directory: String, from seq: UInt64, recordBytesMax: Int, bufferBytes: Int = 4 << 20) {
        self.directory = directory
        self.recordBytesMax = recordBytesMax
        self.nextSeq = seq
        buffer = .allocate(byteCount: max(bufferBytes, SegmentFormat.recordSize(payloadBytes: recordBytesMax)), alignment: 8)
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Hands `body` every record from `nextSeq` through `limit`, or as many as are written;
    /// returns how many it handed out. The payload is valid only during the call.
    @discardableResult
    public func read(upTo limit: UInt64, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var count = 0
        while nextSeq <= limit {
            if fd < 0 { guard try openSegment(containing: nextSeq) else { break } }
            guard let frame = try frameAt(offset) else {
                // The end of this segment's written part: go on in the next one, if it exists.
                guard try openSegment(containing: nextSeq), segmentFirst == nextSeq else { break }
                continue
            }
            let length = Int(SegmentFormat.load(UInt32.self, frame, 0))
            let seq = SegmentFormat.load(UInt64.self, frame, 8)
            guard SegmentFormat.recordChecksum(frame) == SegmentFormat.load(UInt32.self, frame, 4) else {
                throw JournalCorruption(path: path, offset: offset, reason: "record checksum mismatch", evidence: "found while reading the journal for the projection")
            }
            offset += SegmentFormat.recordSize(payloadBytes: length)
            if seq < nextSeq { continue }  // skipping forward to the first record asked for
            guard seq == nextSeq else {
                throw JournalCorruption(path: path, offset: offset, reason: "record \(seq) where \(nextSeq) was expected", evidence: "found while reading the journal for the projection")
            }
            try body(seq, UnsafeRawBufferPointer(rebasing: frame[SegmentFormat.frameHeaderSize...]))
            nextSeq += 1
            count += 1
        }
        return count
    }

    /// The complete frame at `at` (length field through payload), or nil if none is written there.
    private func frameAt(_ at: Int) throws -> UnsafeRawBufferPointer? {
        guard var header = try bytes(at, SegmentFormat.frameHeaderSize, refresh: false) else { return nil }
        var length = Int(SegmentFormat.load(UInt32.self, header, 0))
        if length == 0 {
            // Possibly written since the buffer was filled: look at the file again.
            guard let fresh = try bytes(at, SegmentFormat.frameHeaderSize, refresh: true) else { return nil }
            header = fresh
            length = Int(SegmentFormat.load(UInt32.self, header, 0))
            if length == 0 { return nil }
        }
        guard length <= recordBytesMax else {
            throw JournalCorruption(path: path, offset: at, reason: "a record claims \(length) bytes", evidence: "found while reading the journal for the projection")
        }
        return try bytes(at, SegmentFormat.frameHeaderSize + length, refresh: false)
    }

    /// `count` bytes of the current segment at `at`, reading the file when the buffer does not
    /// hold them (or when `refresh`); nil if the file ends first.
    private func bytes(_ at: Int, _ count: Int, refresh: Bool) throws -> UnsafeRawBufferPointer? {
        if refresh || at < bufferStart || at + count > bufferStart + bufferCount {
            bufferStart = at
            bufferCount = try FileIO.preadFully(fd, buffer.baseAddress!, count: buffer.count, at: at, path: path)
            guard count <= bufferCount else { return nil }
        }
        let from = at - bufferStart
        return UnsafeRawBufferPointer(rebasing: buffer[from..<(from + count)])
    }

    /// Opens the newest segment whose first record is at or before `seq`; false if none.
    private func openSegment(containing seq: UInt64) throws -> Bool {
        let firsts = try FileIO.list(directory).compactMap(SegmentFormat.firstSeq(fileName:)).sorted()
        guard let first = firsts.last(where: { $0 <= seq }) else { return false }
        if fd >= 0 && first == segmentFirst { return true }
        if fd >= 0 { close(fd) }
        path = directory + "/" + SegmentFormat.fileName(firstSeq: first)
        fd = try FileIO.open(path, O_RDONLY)
        segmentFirst = first
        offset = SegmentFormat.headerSize
        bufferStart = 0
        bufferCount = 0
        return true
    }
}
