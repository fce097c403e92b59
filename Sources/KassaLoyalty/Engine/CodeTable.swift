import KassaCore

/// A read-only map from short codes (SKUs, categories) to values, built once per rule set.
///
/// Pricing looks up every line's SKU and category; `Dictionary<String, _>` hashes each with
/// SipHash, which costs more than pricing the line. This table hashes the code's bytes eight at
/// a time (`ByteHash`, as the core's tables do) and probes an open-addressing array; it is
/// never changed after it is built.
struct CodeTable<Value: Sendable>: Sendable {
    private var keys: [String] = []
    private var values: [Value] = []
    /// 0: empty; else the index into `keys` plus one.
    private var buckets: [Int32] = []

    /// A table of `entries`; a later entry for the same code replaces an earlier one.
    init(_ entries: [(String, Value)]) {
        var size = 16
        while entries.count * 2 > size { size *= 2 }
        buckets = [Int32](repeating: 0, count: size)
        for (key, value) in entries {
            if let index = index(of: key) {
                values[index] = value
                continue
            }
            keys.append(key)
            values.append(value)
            var bucket = CodeTable.hash(key) & (size - 1)
            while buckets[bucket] != 0 { bucket = (bucket + 1) & (size - 1) }
            buckets[bucket] = Int32(keys.count)
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
        var bucket = hash & mask
        while true {
            let entry = Int(buckets[bucket])
            if entry == 0 { return nil }
            if keys[entry - 1] == key { return entry - 1 }
            bucket = (bucket + 1) & mask
        }
    }

    /// A well-mixed hash of the code's UTF-8 bytes, stable within the process only.
    @inline(__always)
    static func hash(_ text: String) -> Int { Int(truncatingIfNeeded: ByteHash.of(text)) }
}
