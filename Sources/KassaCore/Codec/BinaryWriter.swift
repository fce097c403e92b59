/// Appends values to a byte buffer in Kassa's journal encoding: little-endian fixed-width
/// integers, LEB128 varints, and length-prefixed UTF-8 strings.
///
/// The encoding is deterministic: equal values always give equal bytes, which is what makes a
/// body's fingerprint (`Fingerprint`) and the journal's checksums meaningful.
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Forgets what was written, keeping the buffer.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// One byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// A boolean as one byte.
    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// An unsigned varint (LEB128).
    public mutating func writeVarint(_ value: UInt64) {
        // Most values written are small; one byte needs no loop.
        if value < 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value))
            return
        }
        // Longer ones are built in a register-sized scratch and appended with one copy: a
        // byte-at-a-time append checks capacity and uniqueness for every byte.
        var scratch: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &scratch) { raw in
            var v = value
            var count = 0
            while v >= 0x80 {
                raw[count] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                count += 1
            }
            raw[count] = UInt8(v)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0...count]))
        }
    }

    /// A signed varint (zig-zag, then LEB128), cheap for small magnitudes of either sign.
    public mutating func writeVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A fixed-width little-endian UInt64 (fingerprints, where every bit is significant).
    public mutating func writeFixed(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A string as its UTF-8 byte count (varint) and bytes.
    public mutating func write(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// An optional: a presence byte, then the value.
    public mutating func write<T>(_ value: T?, _ body: (inout BinaryWriter, T) -> Void) {
        if let value {
            bytes.append(1)
            body(&self, value)
        } else {
            bytes.append(0)
        }
    }

    /// An array: its count (varint), then each element.
    public mutating func write<T>(_ values: [T], _ body: (inout BinaryWriter, T) -> Void) {
        writeVarint(UInt64(values.count))
        for value in values { body(&self, value) }
    }

    /// Appends what `body` writes into at most `bound` bytes: room is made once, the bytes are
    /// written by index, and what `body` left unused is cut off.
    mutating func append(bound: Int, _ body: (inout FixedBufferWriter) -> Void) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: bound))
        let written = bytes.withUnsafeMutableBytes { raw in
            var writer = FixedBufferWriter(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
            body(&writer)
            return writer.count
        }
        bytes.removeLast(bound - written)
    }
}
