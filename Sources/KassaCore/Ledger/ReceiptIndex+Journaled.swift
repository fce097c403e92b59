/// A category's net spend on one sale, by its number in the index's strings.
struct CategoryNet {
    /// The category's number in `ReceiptIndex.strings`.
    var category: Int
    /// Sum of the net amounts of the sale's lines in it.
    var spend: Int64
}

/// Categories and their numbers in the index's strings, by their bytes: a small direct-mapped
/// cache in front of the intern table. A category of up to 16 bytes is its length and two
/// words, so a line compares three words instead of making a string and hashing it. Numbers
/// never change once given, so entries stay right for as long as the index lives.
struct CategoryCache {
    /// A category's bytes as its length and first and last eight (zero-padded when shorter).
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
    /// Packs a journaled sale into the bytes `pack(_: SaleRecord)` writes for it decoded.
    mutating func pack(_ sale: JournaledSale) -> PackedSale {
        let varint = FixedBufferWriter.varintBytesMax
        // As `packedBytesMax`: every SKU byte and every rule's length byte are in the payload.
        let bound = 18 * varint + 11 + sale.paymentCount * 2 * varint + sale.lineCount * (1 + 11 * varint) + sale.payload.count
        var buffer: [UInt8] = []
        swap(&buffer, &packBuffer)
        defer { swap(&buffer, &packBuffer) }
        if buffer.count < bound { buffer = [UInt8](repeating: 0, count: max(bound, buffer.count * 2)) }
        categoryNets.removeAll(keepingCapacity: true)
        return buffer.withUnsafeMutableBytes { raw in
            var w = FixedBufferWriter(raw)
            packHeader(sale, into: &w)
            sale.read(from: sale.linesOffset) { (r: inout BinaryReader) throws(DecodeError) in
                let count = try r.readCount()
                w.writeVarint(UInt64(count))
                for _ in 0..<count { try packLine(from: &r, into: &w) }
            }
            return PackedSale(bytes: [UInt8](w.written))
        }
    }

    private mutating func packHeader(_ sale: JournaledSale, into w: inout FixedBufferWriter) {
        w.writeVarint(sale.seq)
        w.writeFixed(sale.fingerprint)
        w.writeVarint(UInt64(strings.intern(sale.store)))
        w.writeVarint(UInt64(strings.intern(sale.terminal)))
        w.writeVarint(UInt64(strings.intern(sale.cashier)))
        w.write(sale.tillAt)
        if let card = sale.customer {
            w.write(true)
            w.writeVarint(card.value)
            w.write(card.digits)
        } else {
            w.write(false)
        }
        w.writeVarint(UInt64(sale.rulesVersion))
        w.writeVarint(sale.tier.map { UInt64(strings.intern($0)) + 1 } ?? 0)
        w.writeVarint(sale.pointsEarned)
        w.writeVarint(sale.pointsSpent)
        w.writeVarint(sale.pointsBalanceAfter)
        // Nothing returned or voided yet.
        w.writeVarint(0 as Int64)
        w.writeVarint(0 as Int64)
        w.writeVarint(sale.pointsExpired)
        w.write(false)
        w.writeVarint(UInt64(sale.paymentCount))
        sale.forEachPayment { payment in
            switch payment.method {
            case .cash: w.writeVarint(MethodCode.cash)
            case .card: w.writeVarint(MethodCode.card)
            case .points: w.writeVarint(MethodCode.points)
            case .other(let name): w.writeVarint(MethodCode.otherBase + UInt64(strings.intern(name)))
            }
            w.writeVarint(payment.amount)
        }
    }

    /// Packs the line at the reader as `pack(_: SoldLine, …)` packs it decoded.
    private mutating func packLine(from r: inout BinaryReader, into w: inout FixedBufferWriter) throws(DecodeError) {
        let sku = try r.readBytes()
        let (value, digits) = ReceiptIndex.digitsValue(sku.bindMemory(to: UInt8.self))
        // The kind `SKU.classify` gave the code before it was journaled: all digits of a GTIN's
        // length is that GTIN (its check digit was validated then), anything else is plain.
        let kind = UInt8(ReceiptIndex.kindCode(digits > 0 ? ReceiptIndex.gtinKind(digits: digits) : .plain)) << 5
        if digits > 0 {
            w.write(kind | UInt8(digits))
            w.writeVarint(value)
        } else {
            w.write(kind)
            w.write(bytes: sku)
        }
        let qty = try r.readSignedVarint()
        let price = try r.readSignedVarint()
        w.writeVarint(qty)
        w.writeVarint(price)
        if try r.readBool() {
            w.writeVarint(UInt64(internCategory(try r.readBytes())) + 1)
        } else {
            w.writeVarint(0 as UInt64)
        }
        let amount = try r.readSignedVarint()
        let discount = try r.readSignedVarint()
        w.writeVarint(amount &- (Quantity(thousandths: qty).amount(price: price) ?? 0))
        w.writeVarint(discount)
        let rules = try r.readCount()
        w.writeVarint(UInt64(rules))
        for _ in 0..<rules { w.writeVarint(UInt64(strings.intern(String(decoding: try r.readBytes(), as: UTF8.self)))) }
        let category = internCategory(try r.readBytes())
        w.writeVarint(UInt64(category))
        // Nothing returned or refunded yet.
        w.writeVarint(0 as Int64)
        w.writeVarint(0 as Int64)
        let net = amount - discount
        if net != 0 { addNet(net, category: category) }
    }

    /// Adds a line's net amount to its category's, keeping categories in the order they first
    /// had a net amount on the sale: the order in which the customer's spend meets them.
    private mutating func addNet(_ net: Int64, category: Int) {
        for index in categoryNets.indices where categoryNets[index].category == category {
            categoryNets[index].spend += net
            return
        }
        categoryNets.append(CategoryNet(category: category, spend: net))
    }

    private mutating func internCategory(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let key = CategoryCache.key(bytes) else { return strings.intern(String(decoding: bytes, as: UTF8.self)) }
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
