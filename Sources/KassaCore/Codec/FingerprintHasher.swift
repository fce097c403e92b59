/// FNV-1a 64 fed the canonical encoding of a command directly, without writing the bytes out.
///
/// It must see exactly the bytes `BinaryWriter` writes for the same value (`write(_: Receipt)`
/// and friends), because fingerprints are journaled and compared with those computed before;
/// `FingerprintTests` holds the two paths to the same answers. Hashing is a serial chain of
/// multiplications, so skipping the intermediate buffer is what there is to save.
struct FingerprintHasher {
    /// The hash of the bytes fed so far.
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01B3
    }

    mutating func varint(_ unsigned: UInt64) {
        var v = unsigned
        while v >= 0x80 {
            byte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        byte(UInt8(v))
    }

    mutating func varint(_ signed: Int64) { varint(UInt64(bitPattern: (signed << 1) ^ (signed >> 63))) }

    mutating func string(_ text: String) {
        // The bytes in one buffer: walking `utf8` decodes a small string's bytes one at a time.
        var text = text
        text.withUTF8 { bytes in
            varint(UInt64(bytes.count))
            for b in bytes { byte(b) }
        }
    }

    mutating func timestamp(_ t: Timestamp) {
        varint(t.epochMilliseconds)
        varint(Int64(t.offsetMinutes))
    }

    mutating func receipt(_ r: Receipt) {
        string(r.id); string(r.store); string(r.terminal); string(r.cashier); timestamp(r.at)
        if let card = r.customer {
            byte(1)
            varint(card.value)
            byte(card.digits)
        } else {
            byte(0)
        }
        varint(UInt64(r.lines.count))
        for line in r.lines {
            string(line.sku.code)
            varint(line.qty.thousandths)
            varint(line.price)
            if let category = line.category {
                byte(1)
                string(category)
            } else {
                byte(0)
            }
        }
        varint(UInt64(r.payments.count))
        for payment in r.payments {
            string(payment.method.description)
            varint(payment.amount)
        }
        // Only a lane-priced receipt hashes more, so every other receipt keeps the fingerprint
        // it was remembered with.
        if let lane = r.lanePricing {
            byte(0x4C)
            varint(UInt64(lane.rulesVersion))
            varint(UInt64(lane.lines.count))
            for line in lane.lines {
                varint(line.discount)
                varint(UInt64(line.rules.count))
                for rule in line.rules { string(rule) }
            }
        }
    }
}
