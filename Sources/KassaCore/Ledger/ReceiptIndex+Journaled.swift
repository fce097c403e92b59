/// A category's net spend on one sale, by its number in the index's strings.
struct CategoryNet {
    /// The category's number in `ReceiptIndex.strings`.
    var category: Int
    /// Sum of the net amounts of the sale's lines in it.
    var spend: Int64
}

/// Strings of replayed sales (categories, rule ids, payment methods) and their numbers in the
/// index's strings, by their bytes: a small direct-mapped cache in front of the intern table.
/// A string of up to 16 bytes is its length and two words, so a lookup compares three words
/// instead of making a string and hashing it. Numbers never change once given, so entries
/// stay right for as long as the index lives.
struct CategoryCache {
    /// A string's bytes as its length and first and last eight (zero-padded when shorter).
    struct Key: Equatable {
        var first: UInt64
        var last: UInt64
        var count: Int
    }

    private struct Entry {
        var key: Key
        var id: Int
    }

    /// Entries; a power of two, a few times the categories a store's sales use.
    static let entriesCount = 64
    /// Longest category kept here.
    static let bytesMax = 16
    private var entries = [Entry](repeating: Entry(key: Key(first: 0, last: 0, count: -1), id: 0), count: entriesCount)

    /// The key of `bytes`, or nil when they are too long to be kept here.
    @inline(__always)
    static func key(_ bytes: UnsafeRawBufferPointer) -> Key? {
        let count = bytes.count
        if count >= 8 {
            guard count <= bytesMax else { return nil }
            // Two loads that overlap when shorter than 16: with the length, they still say
            // every byte.
            return Key(first: bytes.loadUnaligned(as: UInt64.self),
                       last: bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), count: count)
        }
        var word: UInt64 = 0
        for index in 0..<count { word |= UInt64(bytes[index]) << UInt64(index * 8) }
        return Key(first: word, last: 0, count: count)
    }

    /// `key(bytes)`, loading a short string's bytes in one word when `buffer`, which holds
    /// them, has eight bytes from their start.
    @inline(__always)
    static func key(_ bytes: UnsafeRawBufferPointer, within buffer: UnsafeRawBufferPointer) -> Key? {
        let count = bytes.count
        if count > 0, count < 8, let base = bytes.baseAddress, let start = buffer.baseAddress, base + 8 <= start + buffer.count {
            let word = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self)) & ((1 << UInt64(count * 8)) &- 1)
            return Key(first: word, last: 0, count: count)
        }
        return key(bytes)
    }

    @inline(__always)
    private static func slot(_ key: Key) -> Int {
        Int(truncatingIfNeeded: ByteHash.mix(key.first ^ key.last &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count))) & (entriesCount - 1)
    }

    /// The number of the category with `key`, if cached.
    @inline(__always)
    func id(of key: Key) -> Int? {
        let entry = entries[CategoryCache.slot(key)]
        return entry.key == key ? entry.id : nil
    }

    /// Caches `id` as the number of the category with `key`.
    mutating func remember(_ key: Key, id: Int) {
        entries[CategoryCache.slot(key)] = Entry(key: key, id: id)
    }
}

extension ReceiptIndex {
    /// Packs a journaled sale into the bytes `pack(_: SaleRecord)` writes for it decoded: the
    /// header, the sale's strings numbered in `strings`, and the body the reading thread
    /// packed. Leaves the numbers of the sale's strings in `saleStringIds`, and its net spend
    /// per category in `categoryNets`.
    mutating func pack(_ sale: JournaledSale) -> PackedSale {
        let varint = FixedBufferWriter.varintBytesMax
        // The id and header as in `packedBytesMax` and a number per string (no more than the
        // bytes of the strings): the body is copied after them at the end, not through this
        // buffer.
        let bound = varint + sale.id.utf8.count + 19 * varint + 11 + (sale.packedCount - sale.stringsOffset) * varint
        var buffer: [UInt8] = []
        swap(&buffer, &packBuffer)
        defer { swap(&buffer, &packBuffer) }
        if buffer.count < bound { buffer = [UInt8](repeating: 0, count: max(bound, buffer.count * 2)) }
        saleStringIds.removeAll(keepingCapacity: true)
        categoryNets.removeAll(keepingCapacity: true)
        return buffer.withUnsafeMutableBytes { raw in
            var w = FixedBufferWriter(raw)
            packHeader(sale, into: &w)
            return withExtendedLifetime(sale) {
                let packed = sale.packed
                sale.read(from: sale.stringsOffset) { (r: inout BinaryReader) throws(DecodeError) in
                    let count = try r.readCount()
                    w.writeVarint(UInt64(count))
                    for _ in 0..<count {
                        let id = number(try r.readBytes(), within: packed)
                        saleStringIds.append(id)
                        w.writeVarint(UInt64(id))
                    }
                    let nets = try r.readCount()
                    for _ in 0..<nets {
                        let name = Int(try r.readVarint())
                        categoryNets.append(CategoryNet(category: saleStringIds[name], spend: try r.readSignedVarint()))
                    }
                }
                // Copied at its exact size, the body straight from where the reading thread
                // packed it.
                return store(w.written, UnsafeRawBufferPointer(rebasing: packed[0..<sale.stringsOffset]))
            }
        }
    }

    /// The number of the string `bytes` (a slice of `buffer`) in `strings`, through the cache.
    @inline(__always)
    private mutating func number(_ bytes: UnsafeRawBufferPointer, within buffer: UnsafeRawBufferPointer) -> Int {
        // A short string's key in one load: the strings are followed by the nets in `buffer`.
        guard let key = CategoryCache.key(bytes, within: buffer) else { return strings.intern(String(decoding: bytes, as: UTF8.self)) }
        if let id = categoryCache.id(of: key) { return id }
        let id = strings.intern(String(decoding: bytes, as: UTF8.self))
        categoryCache.remember(key, id: id)
        return id
    }

    /// The GTIN an all-digit code of `digits` digits is, or plain for other lengths.
    static func gtinKind(digits: Int) -> SKU.Kind {
        switch digits {
        case 8: .ean8
        case 12: .upcA
        case 13: .ean13
        case 14: .gtin14
        default: .plain
        }
    }
}
