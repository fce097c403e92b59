/// A key an `InternTable` can hold: its hash must be cheap, and equal keys must hash equally.
protocol InternKey: Equatable {
    /// A well-mixed 64-bit hash, stable within a process.
    var internHash: UInt64 { get }
}

/// Distinct values numbered 0, 1, 2, … in the order they were first seen, with a lookup from
/// value to number.
///
/// The hot path looks up a SKU or a category for every receipt line; `Dictionary` hashes each
/// through SipHash, which costs more than the rest of pricing a line. This table hashes a
/// string's bytes a word at a time and probes an open-addressing array of 32-bit numbers.
/// Values are never removed, so numbers stay valid for the table's lifetime.
struct InternTable<Key: InternKey & Sendable>: Sendable {
    /// Every value, by number.
    private(set) var keys: [Key] = []
    /// Open addressing, linear probing. 0 is an empty bucket; otherwise the high 32 bits are
    /// the key's hash and the low 32 bits its number plus one, so that a probe compares keys
    /// only when their hashes agree.
    private var buckets: [UInt64] = []

    /// An empty table.
    init() {}

    /// How many values are held.
    var count: Int { keys.count }

    /// The value numbered `id`.
    subscript(id: Int) -> Key { keys[id] }

    /// The number of `key`, if held.
    func id(of key: Key) -> Int? { find(key, hash: key.internHash).id }

    /// The numbers of `count` keys (−1 for a key not held), looked up together: every key's
    /// hash is taken and its first bucket read before any is probed, so that the cache misses
    /// of a basket's lines overlap instead of following one another. Each key's hash is left
    /// in `hashes`, for other tables keyed the same way.
    @inline(__always)
    func ids(count: Int, key: (Int) -> Key, into ids: UnsafeMutableBufferPointer<Int32>, hashes: UnsafeMutableBufferPointer<UInt64>) {
        guard !buckets.isEmpty else {
            for index in 0..<count {
                ids[index] = -1
                hashes[index] = key(index).internHash
            }
            return
        }
        let mask = buckets.count - 1
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { places in
            buckets.withUnsafeBufferPointer { buckets in
                for index in 0..<count { hashes[index] = key(index).internHash }
                // The buckets read in a loop of their own: hashing a key takes calls and enough
                // instructions that, in one loop with it, only a read or two at a time waited
                // for memory; alone, the reads of a whole basket are in flight together.
                for index in 0..<count { places[index] = buckets[Int(truncatingIfNeeded: hashes[index]) & mask] }
                // Each key's candidate found by its hash alone: the bucket whose tag agrees, a
                // step or two along the cache line just read. No key is read yet, so that
                // a key past its first bucket costs no read of its own that waits for memory.
                for index in 0..<count {
                    let hash = hashes[index], tag = hash & 0xFFFF_FFFF_0000_0000
                    var bucket = Int(truncatingIfNeeded: hash) & mask
                    var entry = places[index]
                    while entry != 0, entry & 0xFFFF_FFFF_0000_0000 != tag {
                        bucket = (bucket + 1) & mask
                        entry = buckets[bucket]
                    }
                    places[index] = UInt64(truncatingIfNeeded: bucket)
                    ids[index] = Int32(truncatingIfNeeded: Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1)
                }
                // The candidates' keys compared in a loop of their own, for their reads to
                // overlap likewise: nearly every candidate is the key. −2: a tag that agreed
                // by chance, probed on below.
                for index in 0..<count where ids[index] >= 0 {
                    if keys[Int(ids[index])] != key(index) { ids[index] = -2 }
                }
                for index in 0..<count where ids[index] == -2 {
                    let tag = hashes[index] & 0xFFFF_FFFF_0000_0000
                    var bucket = (Int(truncatingIfNeeded: places[index]) + 1) & mask
                    var entry = buckets[bucket]
                    var found: Int32 = -1
                    while entry != 0 {
                        if entry & 0xFFFF_FFFF_0000_0000 == tag {
                            let id = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                            if keys[id] == key(index) {
                                found = Int32(truncatingIfNeeded: id)
                                break
                            }
                        }
                        bucket = (bucket + 1) & mask
                        entry = buckets[bucket]
                    }
                    ids[index] = found
                }
            }
        }
    }

    /// The number of `key`, numbering it first when new.
    mutating func intern(_ key: Key) -> Int {
        let hash = key.internHash
        let found = find(key, hash: hash)
        if let id = found.id { return id }
        precondition(keys.count < Int(UInt32.max - 1), "an intern table holds fewer than 2^32 values")
        keys.append(key)
        if keys.count * 4 > buckets.count * 3 {
            grow(to: max(16, buckets.count * 2))
        } else {
            buckets[found.bucket] = InternTable.entry(hash: hash, id: keys.count - 1)
        }
        return keys.count - 1
    }

    /// Makes room for `count` values in all, so loading them never rehashes.
    mutating func reserve(_ count: Int) {
        keys.reserveCapacity(count)
        var size = 16
        while count * 4 > size * 3 { size *= 2 }
        if size > buckets.count { grow(to: size) }
    }

    @inline(__always)
    private static func entry(hash: UInt64, id: Int) -> UInt64 { hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1) }

    /// The key's number if held, else the empty bucket where it would go.
    @inline(__always)
    private func find(_ key: Key, hash: UInt64) -> (id: Int?, bucket: Int) {
        guard !buckets.isEmpty else { return (nil, 0) }
        let mask = buckets.count - 1
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { return (nil, bucket) }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if keys[id] == key { return (id, bucket) }
            }
            bucket = (bucket + 1) & mask
        }
    }

    private mutating func grow(to size: Int) {
        buckets = Array(repeating: 0, count: size)
        let mask = size - 1
        for id in keys.indices {
            let hash = keys[id].internHash
            var bucket = Int(truncatingIfNeeded: hash) & mask
            while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = InternTable.entry(hash: hash, id: id)
        }
    }
}

/// A fast, well-mixed hash of UTF-8 bytes, taken eight bytes at a time. Not stable across
/// versions and never stored: only for in-memory tables (here and in the loyalty engine's).
public enum ByteHash {
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 31
        z = z &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }

    /// The hash of `text`'s UTF-8 bytes.
    public static func of(_ text: String) -> UInt64 {
        var text = text
        // `withUTF8` hands out the bytes of a small string from the stack and of a native one in
        // place; the pointer lives only inside the closure.
        return text.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
            var offset = 0
            while raw.count - offset >= 8 {
                hash = mix(hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            // The bytes left (0–7, a GTIN leaves five) as a little-endian word, in two loads that
            // overlap instead of a step a byte. Both lie within the eight bytes from `offset`: a
            // small string hands its bytes out from two words it has just stored, and a load
            // across both could not be forwarded from the stores (see `ReceiptIndex.lastWord`).
            let left = raw.count - offset
            let tail: UInt64
            switch left {
            case 4...7:
                let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self)))
                tail = low | high << UInt64((left - 4) * 8)
            case 2...3:
                let low = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                let high = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: raw.count - 2, as: UInt16.self)))
                tail = low | high << UInt64((left - 2) * 8)
            case 1: tail = UInt64(raw[offset])
            default: tail = 0
            }
            return mix(hash ^ tail)
        }
    }
}

extension String: InternKey {
    var internHash: UInt64 { ByteHash.of(self) }
}

extension SKU: InternKey {
    // The kind follows from the code, so the code alone decides equality in practice.
    var internHash: UInt64 { ByteHash.of(code) }
}
