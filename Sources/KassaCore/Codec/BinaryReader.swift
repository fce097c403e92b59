/// Why bytes could not be decoded: a record that passed its checksum but does not parse means a
/// bug or a format mismatch, and recovery must stop rather than guess.
public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was being read when it failed.
    public var message: String
    /// Offset within the payload.
    public var offset: Int

    /// A decode failure.
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// `message at offset N`.
    public var description: String { "\(message) at payload offset \(offset)" }
}

/// Reads values written by `BinaryWriter`, checking every bound.
public struct BinaryReader {
    private let bytes: UnsafeRawBufferPointer
    /// Where the next read starts.
    public internal(set) var offset: Int = 0

    /// A reader over `bytes`, valid only while they are.
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// True when every byte was consumed.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Bytes not yet read.
    var remaining: Int { bytes.count - offset }

    /// `count` bytes from `start`, valid only while the reader's buffer is; the caller has
    /// checked the range.
    @inline(__always)
    func slice(_ start: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])
    }

    /// Longest string accepted; longer means corrupt input, not a long name.
    public static let stringBytesMax = 1 << 20
    /// Largest element count accepted for an array.
    public static let arrayCountMax = 1 << 20

    /// One byte.
    @inline(__always)
    public mutating func readByte() throws(DecodeError) -> UInt8 {
        guard offset < bytes.count else { throw DecodeError("unexpected end of record", offset: offset) }
        let value = bytes[offset]
        offset += 1
        return value
    }

    /// A boolean byte (0 or 1).
    @inline(__always)
    public mutating func readBool() throws(DecodeError) -> Bool {
        switch try readByte() {
        case 0: return false
        case 1: return true
        default: throw DecodeError("a boolean byte is neither 0 nor 1", offset: offset - 1)
        }
    }

    /// An unsigned varint.
    @inline(__always)
    public mutating func readVarint() throws(DecodeError) -> UInt64 {
        // Most varints are one byte (counts, flags, small amounts); prices and amounts take
        // two or three, read without a call per byte. Every sale line holds five.
        let at = offset
        if bytes.count - at >= 3 {
            let first = bytes[at]
            if first < 0x80 {
                offset = at + 1
                return UInt64(first)
            }
            let second = bytes[at + 1]
            if second < 0x80 {
                offset = at + 2
                return UInt64(first & 0x7F) | UInt64(second) << 7
            }
            let third = bytes[at + 2]
            if third < 0x80 {
                offset = at + 3
                return UInt64(first & 0x7F) | UInt64(second & 0x7F) << 7 | UInt64(third) << 14
            }
        }
        let (value, end) = try BinaryReader.longVarint(in: bytes, at: at)
        offset = end
        return value
    }

    /// A varint at `start` near the end of `bytes`, or longer than three bytes, and where it
    /// ends. Not `mutating`: a reader the caller holds in a local stays in registers, where a
    /// call taking its address would keep it in memory for the whole function.
    @inline(never)
    private static func longVarint(in bytes: UnsafeRawBufferPointer, at start: Int) throws(DecodeError) -> (UInt64, Int) {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var at = start
        while true {
            guard at < bytes.count else { throw DecodeError("unexpected end of record", offset: at) }
            let byte = bytes[at]
            at += 1
            guard shift < 64, shift < 63 || byte <= 1 else { throw DecodeError("varint longer than 64 bits", offset: at - 1) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return (result, at) }
            shift += 7
        }
    }

    /// A zig-zag signed varint.
    @inline(__always)
    public mutating func readSignedVarint() throws(DecodeError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A varint that must fit `Int32`.
    public mutating func readInt32() throws(DecodeError) -> Int32 {
        let value = try readSignedVarint()
        guard let narrow = Int32(exactly: value) else { throw DecodeError("value \(value) does not fit 32 bits", offset: offset) }
        return narrow
    }

    /// A fixed-width little-endian UInt64.
    public mutating func readFixed() throws(DecodeError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw DecodeError("unexpected end of record", offset: offset) }
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += 8
        return value
    }

    /// A length-prefixed UTF-8 string; invalid UTF-8 is an error, not a repair.
    public mutating func readString() throws(DecodeError) -> String {
        let count = try readVarint()
        guard count <= UInt64(BinaryReader.stringBytesMax), Int(count) <= bytes.count - offset else {
            throw DecodeError("string length \(count) runs past the record", offset: offset)
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(count))])
        let text: String
        if BinaryReader.isASCII(slice) {
            // ASCII (SKUs, ids, codes) is valid UTF-8 as it stands; this path avoids the generic
            // validator, which dominated decoding time.
            text = String(decoding: slice, as: UTF8.self)
        } else {
            guard let validated = String(validating: slice.bindMemory(to: UInt8.self), as: UTF8.self) else {
                throw DecodeError("string is not valid UTF-8", offset: offset)
            }
            text = validated
        }
        offset += Int(count)
        return text
    }

    /// Moves past the next `count` bytes and runs `body` on them; nil when fewer remain, or
    /// when `body` gives nil (the offset has moved then too). The buffer is valid only inside
    /// `body`.
    mutating func withBytes<T>(_ count: Int, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        guard count >= 0, count <= bytes.count - offset else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return body(slice)
    }

    /// True when every byte is below 0x80; eight bytes at a time.
    static func isASCII(_ slice: UnsafeRawBufferPointer) -> Bool {
        var high: UInt64 = 0
        var at = 0
        while slice.count - at >= 8 {
            high |= slice.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            at += 8
        }
        if slice.count >= 8, at < slice.count {
            // The last eight bytes, overlapping some already checked: one load for the tail.
            high |= slice.loadUnaligned(fromByteOffset: slice.count - 8, as: UInt64.self)
            at = slice.count
        }
        while at < slice.count {
            high |= UInt64(slice[at])
            at += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// An array count, bounded.
    @inline(__always)
    public mutating func readCount() throws(DecodeError) -> Int {
        let count = try readVarint()
        guard count <= UInt64(BinaryReader.arrayCountMax) else { throw DecodeError("element count \(count) is implausible", offset: offset) }
        return Int(count)
    }
}
