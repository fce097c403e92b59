/// Writes Kassa's varint encoding into a buffer whose size was bounded beforehand, by index.
///
/// `BinaryWriter` appends to an array and pays a capacity and uniqueness check for every byte;
/// the receipt index packs a sale on every sale recorded, so it computes an upper bound for the
/// packed size, writes here, and copies the bytes out once. Every write checks the bound, so a
/// wrong estimate stops the process instead of writing past the buffer.
struct FixedBufferWriter {
    /// Most bytes a varint of 64 bits takes.
    static let varintBytesMax = 10

    private let buffer: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    private(set) var count = 0

    /// A writer over `buffer`, valid only while it is (inside the closure that lent it).
    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    /// The bytes written so far, valid only while the buffer is.
    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    @inline(__always)
    private func reserve(_ bytes: Int) {
        precondition(buffer.count - count >= bytes, "a packed sale outgrew its computed bound; memory can no longer be trusted")
    }

    /// One byte.
    @inline(__always)
    mutating func write(_ value: UInt8) {
        reserve(1)
        buffer.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// A boolean as one byte.
    @inline(__always)
    mutating func write(_ value: Bool) { write(value ? 1 as UInt8 : 0) }

    /// An unsigned varint (LEB128), the same bytes `BinaryWriter.writeVarint` writes.
    @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        reserve(FixedBufferWriter.varintBytesMax)
        if value >= 0x80, value < 1 << 56 {
            // Two to eight bytes (a GTIN's number takes seven) in one store of a word: its
            // seven-bit groups spread a byte apart, with the continuation bit on every byte but
            // the last. A loop stored a byte a step. The bytes of the word past the varint lie
            // within the room reserved above and are written over by whatever comes next.
            var spread = value & 0x7F
            spread |= (value << 1) & 0x7F00
            spread |= (value << 2) & 0x7F_0000
            spread |= (value << 3) & 0x7F00_0000
            spread |= (value << 4) & 0x7F_0000_0000
            spread |= (value << 5) & 0x7F00_0000_0000
            spread |= (value << 6) & 0x7F_0000_0000_0000
            spread |= (value << 7) & 0x7F00_0000_0000_0000
            let bytes = (64 - value.leadingZeroBitCount + 6) / 7
            let continuation: UInt64 = 0x8080_8080_8080_8080 & ((1 << UInt64((bytes - 1) * 8)) &- 1)
            buffer.storeBytes(of: (spread | continuation).littleEndian, toByteOffset: count, as: UInt64.self)
            count += bytes
            return
        }
        var v = value
        var at = count
        while v >= 0x80 {
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: at, as: UInt8.self)
            v >>= 7
            at += 1
        }
        buffer.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: at, as: UInt8.self)
        count = at + 1
    }

    /// A zig-zag signed varint.
    @inline(__always)
    mutating func writeVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A fixed-width little-endian UInt64.
    @inline(__always)
    mutating func writeFixed(_ value: UInt64) {
        reserve(8)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    /// A timestamp, as `BinaryWriter.write(_: Timestamp)`.
    @inline(__always)
    mutating func write(_ t: Timestamp) {
        writeVarint(t.epochMilliseconds)
        writeVarint(Int64(t.offsetMinutes))
    }

    /// Bytes as they are, without a count.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if bytes.count <= 16 {
            // A few varints: a byte loop beats a call to memmove.
            for index in 0..<bytes.count { buffer.storeBytes(of: bytes[index], toByteOffset: count + index, as: UInt8.self) }
        } else {
            UnsafeMutableRawBufferPointer(rebasing: buffer[count...]).copyMemory(from: bytes)
        }
        count += bytes.count
    }

    /// `append(bytes)` for a few bytes (a varint or two) that lie in `source` with at least
    /// eight bytes from their start: one load and one store of a word instead of a loop of
    /// checked byte stores. The word's bytes past `bytes` lie within the buffer and are
    /// written over by whatever comes next.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer, within source: UnsafeRawBufferPointer) {
        if bytes.count <= 8, buffer.count - count >= 8, let base = bytes.baseAddress, let start = source.baseAddress,
           base >= start, base + 8 <= start + source.count {
            buffer.storeBytes(of: base.loadUnaligned(as: UInt64.self), toByteOffset: count, as: UInt64.self)
            count += bytes.count
            return
        }
        append(bytes)
    }

    /// Bytes as their count (varint) and the bytes: a string as `write(_: String)` writes it.
    mutating func write(bytes: UnsafeRawBufferPointer) {
        writeVarint(UInt64(bytes.count))
        reserve(bytes.count)
        UnsafeMutableRawBufferPointer(rebasing: buffer[count...]).copyMemory(from: bytes)
        count += bytes.count
    }

    /// A string as its UTF-8 byte count (varint) and bytes.
    mutating func write(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            reserve(utf8.count)
            UnsafeMutableRawBufferPointer(rebasing: buffer[count...]).copyMemory(from: UnsafeRawBufferPointer(utf8))
            count += utf8.count
        }
    }
}
