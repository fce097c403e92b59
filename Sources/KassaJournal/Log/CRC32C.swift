import CKassaCRC32C

/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of every journal record.
///
/// On x86-64 with SSE4.2 the CPU's `crc32` instruction computes it (`CKassaCRC32C`); elsewhere,
/// slicing-by-8: eight 256-entry tables let the loop consume eight bytes per step. Chosen over
/// plain CRC-32 because its error detection is stronger for the record sizes the journal writes,
/// and because it is what storage engines use, so `kassa wal verify` results can be checked with
/// common tools.
public enum CRC32C {
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var crc = UInt32(n)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[n] = crc
        }
        for n in 0..<256 {
            var crc = tables[n]
            for k in 1..<8 {
                crc = tables[Int(crc & 0xFF)] ^ (crc >> 8)
                tables[k * 256 + n] = crc
            }
        }
        return tables
    }()

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Whether `update` uses the CPU's instruction.
    public static let usesHardware = kassa_crc32c_hardware_available() == 1

    /// Continues `crc` (the result of an earlier call, 0 to start) over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        if usesHardware { return ~kassa_crc32c_hardware(~crc, base, bytes.count) }
        return software(crc, bytes)
    }

    /// `update` with the tables, whatever the CPU.
    static func software(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc
        guard var p = bytes.baseAddress else { return crc }
        var n = bytes.count
        tables.withUnsafeBufferPointer { t in
            while n >= 8 {
                let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ c
                let high = UInt32(truncatingIfNeeded: word >> 32)
                c = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                p += 8
                n -= 8
            }
            while n > 0 {
                c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
                p += 1
                n -= 1
            }
        }
        return ~c
    }
}
