import KassaCore

/// A read-only map from short codes (SKUs, categories) to values, built once per rule set.
///
/// Pricing looks up every line's SKU and category; `Dictionary<String, _>` hashes each with
/// SipHash, which costs more than pricing the line. This table hashes the code's bytes eight at
/// a time (`ByteHash`, as the core's tables do) and probes an open-addressing array; it is
/// never changed after it is built.
///
/// Most lines' SKUs are in no rule, so most lookups miss: each bucket carries the high half of
/// its code's hash beside the index, and a probe compares a code's text only when those agree.
/// At most a quarter of the buckets are used, so a miss mostly ends at the first bucket, without
/// reading `keys` (which a basket's catalog lookups have often pushed out of the cache).
struct CodeTable<Value: Sendable>: Sendable {
    private var keys: [String] = []
    private var values: [Value] = []
    /// 0: empty; else the high 32 bits of the code's hash, then the index into `keys` plus one.
    private var buckets: [UInt64] = []

    private static var tagMask: UInt64 { 0xFFFF_FFFF_0000_0000 }

    /// A table of `entries`; a later entry for the same code replaces an earlier one.
    init(_ entries: [(String, Value)]) {
        precondition(entries.count < 1 << 31, "a bucket holds a code's index in 32 bits")
        var size = 16
        while entries.count * 4 > size { size *= 2 }
        buckets = [UInt64](repeating: 0, count: size)
        for (key, value) in entries {
            if let index = index(of: key) {
                values[index] = value
                continue
            }
            keys.append(key)
            values.append(value)
            let hash = CodeTable.hash(key)
            var bucket = hash & (size - 1)
            while buckets[bucket] != 0 { bucket = (bucket + 1) & (size - 1) }
            buckets[bucket] = UInt64(truncatingIfNeeded: hash) & CodeTable.tagMask | UInt64(keys.count)
        }
    }

    /// True when no code is held.
    var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`, if held.
    subscript(key: String) -> Value? {
        guard let index = index(of: key) else { return nil }
        return values[index]
    }

    /// The value at a slot `index(of:)` returned.
    subscript(slot slot: Int) -> Value { values[slot] }

    /// The slot of `key`'s value, if held: lets a caller keep a number instead of a copy.
    func index(of key: String) -> Int? {
        guard !keys.isEmpty else { return nil }
        return index(of: key, hash: CodeTable.hash(key))
    }

    /// `index(of:)` for a key whose `ByteHash` is known already.
    func index(of key: String, hash: Int) -> Int? {
        guard !keys.isEmpty else { return nil }
        let mask = buckets.count - 1
        let tag = UInt64(truncatingIfNeeded: hash) & CodeTable.tagMask
        var bucket = hash & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { return nil }
            if entry & CodeTable.tagMask == tag {
                let index = Int(truncatingIfNeeded: entry & ~CodeTable.tagMask) - 1
                if keys[index] == key { return index }
            }
            bucket = (bucket + 1) & mask
        }
    }

    /// `index(of:hash:)` of `count` codes at once (−1: not held), `key(n)` being code n and
    /// `hashes[n]` its `ByteHash`. Every code's first bucket is read before any is probed
    /// further, so that the cache misses of a basket's lookups overlap instead of following
    /// one another.
    func indices(count: Int, key: (Int) -> String, hashes: UnsafeBufferPointer<UInt64>, into slots: UnsafeMutableBufferPointer<Int32>) {
        precondition(hashes.count >= count && slots.count >= count, "one hash and one slot per code")
        guard !keys.isEmpty else {
            for index in 0..<count { slots[index] = -1 }
            return
        }
        let mask = buckets.count - 1
        buckets.withUnsafeBufferPointer { buckets in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { firsts in
                for index in 0..<count { firsts[index] = buckets[Int(truncatingIfNeeded: hashes[index]) & mask] }
                for index in 0..<count {
                    let tag = hashes[index] & CodeTable.tagMask
                    var bucket = Int(truncatingIfNeeded: hashes[index]) & mask
                    var entry = firsts[index]
                    var found: Int32 = -1
                    while entry != 0 {
                        if entry & CodeTable.tagMask == tag {
                            let slot = Int(truncatingIfNeeded: entry & ~CodeTable.tagMask) - 1
                            if keys[slot] == key(index) {
                                found = Int32(truncatingIfNeeded: slot)
                                break
                            }
                        }
                        bucket = (bucket + 1) & mask
                        entry = buckets[bucket]
                    }
                    slots[index] = found
                }
            }
        }
    }

    /// A well-mixed hash of the code's UTF-8 bytes, stable within the process only.
    @inline(__always)
    static func hash(_ text: String) -> Int { Int(truncatingIfNeeded: ByteHash.of(text)) }
}
