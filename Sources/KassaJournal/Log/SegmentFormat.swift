/// The on-disk layout of journal segments.
///
/// A journal is a directory of segments named `<first seq, 20 digits>.wal`. Each segment is
/// preallocated to its full size and starts with a 4096-byte header:
///
/// ```
/// offset  size  field
///      0     8  magic "KASSAWAL"
///      8     4  format version (1), little-endian
///     12     4  header size (4096)
///     16     8  first sequence number in this segment
///     24     8  creation time, ms since the epoch
///     32     4  CRC32C of bytes 0..<32
///     36  4060  zero
/// ```
///
/// Records follow the header back to back, each starting on an 8-byte boundary:
///
/// ```
/// [payload length u32][CRC32C u32][sequence number u64][payload][zero padding to 8]
/// ```
///
/// The CRC covers the length, the sequence number and the payload, so a record moved, torn or
/// renumbered does not verify. A length of zero marks the end of the written part: the rest of a
/// preallocated segment is zero.
public enum SegmentFormat {
    /// "KASSAWAL".
    public static let magic: [UInt8] = Array("KASSAWAL".utf8)
    /// The layout version written now.
    public static let version: UInt32 = 1
    /// Bytes before the first record.
    public static let headerSize = 4096
    /// Bytes before a record's payload.
    public static let frameHeaderSize = 16
    /// The file name suffix.
    public static let suffix = ".wal"

    /// The file name of the segment whose first record is `seq`.
    public static func fileName(firstSeq seq: UInt64) -> String {
        let digits = String(seq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// The first sequence number a segment file name carries, or nil for other files.
    public static func firstSeq(fileName name: String) -> UInt64? {
        guard name.hasSuffix(suffix) else { return nil }
        let stem = name.dropLast(suffix.count)
        guard stem.count == 20, stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(stem)
    }

    /// Bytes a record with a payload of `payloadBytes` takes, padding included.
    public static func recordSize(payloadBytes: Int) -> Int {
        (frameHeaderSize + payloadBytes + 7) & ~7
    }

    /// The header bytes of a segment starting at `firstSeq`.
    public static func header(firstSeq: UInt64, createdMs: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: headerSize)
        bytes.replaceSubrange(0..<8, with: magic)
        store(version, into: &bytes, at: 8)
        store(UInt32(headerSize), into: &bytes, at: 12)
        store(firstSeq, into: &bytes, at: 16)
        store(createdMs, into: &bytes, at: 24)
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<32])) }
        store(crc, into: &bytes, at: 32)
        return bytes
    }

    /// A segment header read back.
    public struct Header: Sendable, Equatable {
        /// The first sequence number the segment holds.
        public var firstSeq: UInt64
        /// When it was created, ms since the epoch.
        public var createdMs: UInt64
    }

    /// Parses a segment header; the message says what is wrong.
    public static func parseHeader(_ bytes: UnsafeRawBufferPointer) -> Result<Header, HeaderError> {
        guard bytes.count >= 36 else { return .failure(HeaderError("the header is cut short (\(bytes.count) bytes)")) }
        guard Array(bytes[0..<8]) == magic else { return .failure(HeaderError("no KASSAWAL magic: not a Kassa journal segment")) }
        let storedCRC = load(UInt32.self, bytes, 32)
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<32])) == storedCRC else {
            return .failure(HeaderError("the header checksum does not match"))
        }
        let version = load(UInt32.self, bytes, 8)
        guard version == SegmentFormat.version else {
            return .failure(HeaderError("format version \(version) is not supported (this build reads \(SegmentFormat.version))"))
        }
        guard load(UInt32.self, bytes, 12) == UInt32(headerSize) else { return .failure(HeaderError("unexpected header size")) }
        return .success(Header(firstSeq: load(UInt64.self, bytes, 16), createdMs: load(UInt64.self, bytes, 24)))
    }

    /// Why a segment header is unusable.
    public struct HeaderError: Error, CustomStringConvertible, Sendable {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Writes one framed record into `buffer` at its end.
    static func appendRecord(seq: UInt64, payload: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        let start = buffer.count
        let size = recordSize(payloadBytes: payload.count)
        buffer.append(contentsOf: repeatElement(0, count: size))
        buffer.withUnsafeMutableBytes { raw in
            let frame = raw.baseAddress! + start
            frame.storeBytes(of: UInt32(payload.count).littleEndian, toByteOffset: 0, as: UInt32.self)
            frame.storeBytes(of: seq.littleEndian, toByteOffset: 8, as: UInt64.self)
            if payload.count > 0 {
                (frame + frameHeaderSize).copyMemory(from: payload.baseAddress!, byteCount: payload.count)
            }
            let crc = recordChecksum(UnsafeRawBufferPointer(start: frame, count: frameHeaderSize + payload.count))
            frame.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self)
        }
    }

    /// The CRC of a frame (`frame` starts at the length field and ends with the payload).
    static func recordChecksum(_ frame: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: frame[0..<4]))
        crc = CRC32C.update(crc, UnsafeRawBufferPointer(rebasing: frame[8..<frame.count]))
        return crc
    }

    static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    private static func store<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
    }
}
