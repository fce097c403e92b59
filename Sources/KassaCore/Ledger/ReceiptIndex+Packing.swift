/// A sale as the receipt index holds it: the `SaleRecord` in a few hundred bytes.
///
/// A `SaleRecord` of 30 lines takes about 4 KB in memory (each line carries its SKU, category
/// and rule strings and two structs of money fields); with two million receipts held that is
/// 8 GB. Packed, every number is a varint and every string a number in the index's intern
/// tables, a GTIN as its number, and a line's amount as its difference from `qty × price` (zero
/// under list pricing): about 20 bytes a line.
///
/// The layout: the receipt id (which `SaleTable` compares instead of keeping the id beside the
/// sale); the header (sequence number, fingerprint, store, terminal and cashier numbers,
/// time, card, rules version, tier, points, voided); the sale's own string table (its
/// categories, rule ids and other payment methods, each once, as numbers in the index's
/// strings); then the body, which refers to strings by their place in that table: the lines,
/// then the payments. The body depends on no table of the index, so replay builds it from
/// the journal bytes on the reading thread (`JournaledSale`), and the recording thread only
/// numbers the table and copies the body.
///
/// The bytes lie in a `PackedSaleBlock` with many other sales, not in an array of their own:
/// recovery packs hundreds of thousands of sales on a thread whose heap starts empty, and an
/// allocation a sale grew that heap a page at a time, a system call and a page fault each
/// (a quarter of the recording thread's time), besides 48 bytes of allocation headers a sale.
struct PackedSale: Sendable {
    /// The block holding the bytes, kept alive by every sale in it; nil for no bytes, so that
    /// filling a table's slots with empty sales retains nothing.
    let block: PackedSaleBlock?
    /// Where the bytes start in `block`; their count lies in the four bytes before them, so
    /// that a sale and its hash fit a sale table's slot of 16 bytes.
    let start: UInt32

    /// The sale whose count and bytes `block` holds before and at `start`.
    init(block: PackedSaleBlock?, start: UInt32) {
        self.block = block
        self.start = start
    }

    /// A sale of `bytes` in a block of its own (tests).
    init(bytes: [UInt8]) {
        let block = PackedSaleBlock(capacity: PackedSaleBlock.countBytes + bytes.count)
        bytes.withUnsafeBytes { block.copy(count: bytes.count, $0, at: 0) }
        self.block = block
        start = UInt32(PackedSaleBlock.countBytes)
    }

    /// No bytes: what an empty slot of a table holds.
    static var empty: PackedSale { PackedSale(block: nil, start: 0) }

    /// The encoding written by `ReceiptIndex.pack`, copied out.
    var bytes: [UInt8] { withBytes { [UInt8]($0) } }

    /// Runs `body` on the encoding written by `ReceiptIndex.pack`; the bytes are valid only
    /// inside `body`.
    @inline(__always)
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let block else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try withExtendedLifetime(block) { try body(block.bytes(at: Int(start))) }
    }

    /// Whether the sale was packed with the receipt id `id`: compares the bytes it begins
    /// with, without making a string of them.
    func isPacked(with id: String) -> Bool {
        withBytes { raw in
            var reader = BinaryReader(raw)
            guard let held = try? reader.readBytes() else { return false }
            return id.utf8.withContiguousStorageIfAvailable { held.elementsEqual($0) } ?? held.elementsEqual(id.utf8)
        }
    }

    /// The receipt id the sale was packed with.
    var id: String {
        let result: Result<String, DecodeError> = withBytes { raw in
            var reader = BinaryReader(raw)
            return Result { () throws(DecodeError) in try reader.readString() }
        }
        switch result {
        case .success(let id): return id
        case .failure(let error):
            preconditionFailure("a packed sale in the receipt index has no id (\(error)); memory can no longer be trusted")
        }
    }
}

/// Memory that packed sales are copied into, one after another, and that lives as long as any
/// of them. The index removes its oldest sales first, so a block is freed about when the sales
/// of its time are.
final class PackedSaleBlock: @unchecked Sendable {
    // Sendable: bytes are written only once, by the index that owns the cursor writing into
    // the block (`PackedSaleCursor`), into room no sale has yet; a sale reads only its own.
    private let base: UnsafeMutableRawPointer
    /// Bytes allocated.
    let capacity: Int

    /// A block of `capacity` bytes, none written.
    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 8)
    }

    deinit { base.deallocate() }

    /// Bytes before a sale that hold its count.
    static let countBytes = 4

    /// Writes `count` at `offset`, then copies `bytes` after it; they must fit. A sale's bytes
    /// come in one or two parts (`copy(_:at:)` for the second).
    fileprivate func copy(count: Int, _ bytes: UnsafeRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset + PackedSaleBlock.countBytes + count <= capacity && count <= Int(UInt32.max),
                     "a packed sale was copied past its block; memory can no longer be trusted")
        (base + offset).storeBytes(of: UInt32(count).littleEndian, as: UInt32.self)
        copy(bytes, at: offset + PackedSaleBlock.countBytes)
    }

    /// Copies `bytes` to `offset`; they must fit.
    fileprivate func copy(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset + bytes.count <= capacity, "a packed sale was copied past its block; memory can no longer be trusted")
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + offset).copyMemory(from: source, byteCount: bytes.count)
    }

    /// The bytes of the sale at `offset`, their count read before them; valid while the
    /// block is.
    @inline(__always)
    fileprivate func bytes(at offset: Int) -> UnsafeRawBufferPointer {
        let count = UInt32(littleEndian: (base + offset - PackedSaleBlock.countBytes).loadUnaligned(as: UInt32.self))
        return UnsafeRawBufferPointer(start: base + offset, count: Int(count))
    }
}

/// Where an index copies the sales it packs: the block being filled and how much of it is
/// written. A class held by the index, so that a copy of the index finds it shared when it
/// packs a sale, and starts a cursor of its own rather than write where the other copy writes.
final class PackedSaleCursor: @unchecked Sendable {
    // Sendable: changed only by an index that holds it alone (`ReceiptIndex.store`).
    /// Smallest and largest block: a small index allocates little, a large one grows its
    /// heap 64 KiB at a time. Larger blocks would be mapped and unmapped on their own by the
    /// allocator (from 128 KiB), and a block freed would not be reused without faulting its
    /// pages in again.
    static let blockBytesMin = 8 << 10
    static let blockBytesMax = 64 << 10

    private var block = PackedSaleCursor.none
    private var used = 0
    /// The block of a cursor that has copied nothing yet: an index that packs no sale
    /// allocates nothing for them.
    private static let none = PackedSaleBlock(capacity: 0)

    /// A cursor that has copied nothing yet.
    init() {}

    /// Copies `front` followed by `body` into the block, or into a new one when they do not
    /// fit; the next block is twice as large as the last, up to `blockBytesMax`, or as large
    /// as the sale.
    func append(_ front: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) -> PackedSale {
        let count = front.count + body.count, bytes = PackedSaleBlock.countBytes + count
        if block.capacity - used < bytes {
            let next = min(max(2 * block.capacity, PackedSaleCursor.blockBytesMin), PackedSaleCursor.blockBytesMax)
            block = PackedSaleBlock(capacity: max(bytes, next))
            used = 0
        }
        let start = used + PackedSaleBlock.countBytes
        block.copy(count: count, front, at: used)
        block.copy(body, at: start + front.count)
        used += bytes
        return PackedSale(block: block, start: UInt32(start))
    }
}

extension ReceiptIndex {
    /// Copies a packed sale, `front` then `body`, into the index's blocks.
    mutating func store(_ front: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) -> PackedSale {
        if !isKnownUniquelyReferenced(&packCursor) { packCursor = PackedSaleCursor() }
        return packCursor.append(front, body)
    }
}

/// What a sale carries besides its lines and payments, read alike from a sale being recorded
/// (`SaleRecord`) and from one replayed from its journal bytes (`JournaledSale`): the packed
/// header and the totals a sale adds to its customer, shift and the ledger.
protocol SaleHeader {
    var id: String { get }
    var seq: UInt64 { get }
    var fingerprint: UInt64 { get }
    var store: String { get }
    var terminal: String { get }
    var cashier: String { get }
    /// When the till closed the receipt.
    var closedAt: Timestamp { get }
    var customer: CardNumber? { get }
    var rulesVersion: UInt32 { get }
    var tier: String? { get }
    var pointsEarned: Int64 { get }
    var pointsSpent: Int64 { get }
    var pointsBalanceAfter: Int64 { get }
    var pointsEarnedReversed: Int64 { get }
    var pointsSpentRestored: Int64 { get }
    var pointsExpired: Int64 { get }
    var voided: Bool { get }
}

extension SaleRecord: SaleHeader {
    var closedAt: Timestamp { at }
}

/// Where a string of the index stands in the table of the sale being packed: the number of
/// that packing, and the string's place in its table. One per string of `ReceiptIndex.strings`,
/// so that numbering a sale's strings compares integers instead of strings.
struct SaleStringSlot {
    /// The packing that last used the string (`ReceiptIndex.packings`); 0: none yet.
    var packing: UInt64 = 0
    /// The string's place in that sale's table.
    var place: Int32 = 0
    /// Its place in `ReceiptIndex.categoryNets` as a category of that sale; −1: none yet.
    var net: Int32 = -1
}

extension ReceiptIndex {
    enum MethodCode {
        static let cash: UInt64 = 0, card: UInt64 = 1, points: UInt64 = 2, otherBase: UInt64 = 3
    }

    /// Packs `sale`, numbering its strings in the intern tables. Leaves the numbers of its
    /// strings in `saleStringIds` and its net spend per category in `categoryNets`, as
    /// `pack(_: JournaledSale)` does.
    mutating func pack(_ sale: SaleRecord) -> PackedSale {
        let bound = ReceiptIndex.packedBytesMax(sale)
        // Taken out of the index while in use, so that packing may intern strings meanwhile.
        // The body is written in the second half, then copied after the header and table.
        var buffer: [UInt8] = []
        swap(&buffer, &packBuffer)
        defer { swap(&buffer, &packBuffer) }
        if buffer.count < 2 * bound { buffer = [UInt8](repeating: 0, count: max(2 * bound, buffer.count * 2)) }
        saleStringIds.removeAll(keepingCapacity: true)
        categoryNets.removeAll(keepingCapacity: true)
        packings += 1
        return buffer.withUnsafeMutableBytes { raw in
            var body = FixedBufferWriter(UnsafeMutableRawBufferPointer(rebasing: raw[bound..<(2 * bound)]))
            packBody(sale, into: &body)
            var w = FixedBufferWriter(UnsafeMutableRawBufferPointer(rebasing: raw[0..<bound]))
            packHeader(sale, into: &w)
            w.writeVarint(UInt64(saleStringIds.count))
            for id in saleStringIds { w.writeVarint(UInt64(id)) }
            w.append(body.written)
            // Copied at its exact size: index memory is what limits how many receipts the
            // process can remember.
            return store(w.written)
        }
    }

    /// `CategoryCache.key(bytes)`, with a string of four to seven bytes (most category and
    /// till codes) read in two overlapping loads instead of a byte at a time.
    @inline(__always)
    static func key(_ bytes: UnsafeRawBufferPointer) -> CategoryCache.Key? {
        let count = bytes.count
        guard count >= 4, count < 8 else { return CategoryCache.key(bytes) }
        let low = UInt64(UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))
        let high = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
        // The bytes the loads share are the same in both, so or-ing keeps them.
        return CategoryCache.Key(first: low | high << UInt64((count - 4) * 8), last: 0, count: count)
    }

    /// The place of `name` in the table of the sale being packed, giving it the next place
    /// when it is new to that sale.
    @inline(__always)
    private mutating func place(of name: String) -> Int { place(ofNumber: number(of: name)) }

    /// `place(of:)` for the string numbered `id` in `strings`.
    @inline(__always)
    private mutating func place(ofNumber id: Int) -> Int {
        if id >= saleStringSlots.count {
            saleStringSlots.append(contentsOf: repeatElement(SaleStringSlot(), count: id + 1 - saleStringSlots.count))
        }
        if saleStringSlots[id].packing == packings { return Int(saleStringSlots[id].place) }
        let place = saleStringIds.count
        saleStringIds.append(id)
        saleStringSlots[id] = SaleStringSlot(packing: packings, place: Int32(truncatingIfNeeded: place), net: -1)
        return place
    }

    /// Adds a line's net amount to the spend of the sale's category numbered `id` in `strings`
    /// (already placed in this sale's table), in `categoryNets` in the order of the first line
    /// with a net amount.
    @inline(__always)
    private mutating func add(net: Int64, toCategoryNumber id: Int) {
        guard net != 0 else { return }
        let at = Int(saleStringSlots[id].net)
        if at >= 0 {
            categoryNets[at].spend = categoryNets[at].spend &+ net
        } else {
            saleStringSlots[id].net = Int32(truncatingIfNeeded: categoryNets.count)
            categoryNets.append(CategoryNet(category: id, spend: net))
        }
    }

    /// The number of `name` in `strings`; a short string is looked up by its bytes in
    /// `stringCache` first, which is cheaper than hashing it for the intern table.
    @inline(__always)
    mutating func number(of name: String) -> Int {
        let key = name.utf8.withContiguousStorageIfAvailable { ReceiptIndex.key(UnsafeRawBufferPointer($0)) } ?? nil
        guard let key else { return strings.intern(name) }
        if let id = stringCache.id(of: key) { return id }
        let id = strings.intern(name)
        stringCache.remember(key, id: id)
        return id
    }

    /// An upper bound on what `pack` writes for `sale`: every varint at its longest, every
    /// interned number at five bytes.
    static func packedBytesMax(_ sale: SaleRecord) -> Int {
        let varint = FixedBufferWriter.varintBytesMax
        // The id; seq, fingerprint, three codes, time, card (presence and digit count bytes
        // too), version, tier, six point values, voided, three counts: 19 varints and 11 bytes.
        var bound: Int = varint + sale.id.utf8.count + 19 * varint + 11
        // Each payment's code and amount, and its method in the table.
        bound += sale.payments.count * 3 * varint
        sale.lines.withUnsafeBufferPointer { lines in
            for index in lines.indices {
                // SKU tag and number or text, qty, price, category, amount, discount, rule
                // count, priced category, returned qty, refunded; then each rule.
                // Each string also once in the table.
                bound += 1 + varint + lines[index].line.sku.code.utf8.count + 12 * varint
                bound += lines[index].priced.rules.count * 2 * varint
            }
        }
        return bound
    }

    /// The id and the header: everything before the sale's string table, alike for a sale
    /// being recorded and one replayed from its journal bytes.
    mutating func packHeader(_ sale: some SaleHeader, into w: inout FixedBufferWriter) {
        w.write(sale.id)
        w.writeVarint(sale.seq)
        w.writeFixed(sale.fingerprint)
        w.writeVarint(UInt64(number(of: sale.store)))
        w.writeVarint(UInt64(number(of: sale.terminal)))
        w.writeVarint(UInt64(number(of: sale.cashier)))
        w.write(sale.closedAt)
        if let card = sale.customer {
            w.write(true)
            w.writeVarint(card.value)
            w.write(card.digits)
        } else {
            w.write(false)
        }
        w.writeVarint(UInt64(sale.rulesVersion))
        w.writeVarint(sale.tier.map { UInt64(number(of: $0)) + 1 } ?? 0)
        w.writeVarint(sale.pointsEarned)
        w.writeVarint(sale.pointsSpent)
        w.writeVarint(sale.pointsBalanceAfter)
        w.writeVarint(sale.pointsEarnedReversed)
        w.writeVarint(sale.pointsSpentRestored)
        w.writeVarint(sale.pointsExpired)
        w.write(sale.voided)
    }

    /// The body: lines, then payments, strings by their place in the sale's table.
    private mutating func packBody(_ sale: SaleRecord, into w: inout FixedBufferWriter) {
        w.writeVarint(UInt64(sale.lines.count))
        // Lines are read where they lie: iterating copies each one, which retains and
        // releases its strings and rule list, several calls a line.
        sale.lines.withUnsafeBufferPointer { lines in
            guard let first = lines.baseAddress else { return }
            for index in lines.indices { pack(first + index, into: &w) }
        }
        w.writeVarint(UInt64(sale.payments.count))
        for payment in sale.payments {
            switch payment.method {
            case .cash: w.writeVarint(MethodCode.cash)
            case .card: w.writeVarint(MethodCode.card)
            case .points: w.writeVarint(MethodCode.points)
            case .other(let name): w.writeVarint(MethodCode.otherBase + UInt64(place(of: name)))
            }
            w.writeVarint(payment.amount)
        }
    }

    /// One line, read through a pointer: a line passed by value is copied, which retains and
    /// releases its strings and rule list.
    private mutating func pack(_ sold: UnsafePointer<SoldLine>, into w: inout FixedBufferWriter) {
        ReceiptIndex.write(sold.pointee.line.sku, to: &w)
        let qty = sold.pointee.line.qty, price = sold.pointee.line.price
        w.writeVarint(qty.thousandths)
        w.writeVarint(price)
        if let category = sold.pointee.line.category {
            w.writeVarint(UInt64(place(of: category)) + 1)
        } else {
            w.writeVarint(0 as UInt64)
        }
        let amount = sold.pointee.priced.amount, discount = sold.pointee.priced.discount
        // Wrapping arithmetic: the difference is only ever added back the same way.
        w.writeVarint(amount &- (qty.amount(price: price) ?? 0))
        w.writeVarint(discount)
        let rulesCount = sold.pointee.priced.rules.count
        w.writeVarint(UInt64(rulesCount))
        for index in 0..<rulesCount { w.writeVarint(UInt64(place(of: sold.pointee.priced.rules[index]))) }
        let category = number(of: sold.pointee.priced.category)
        w.writeVarint(UInt64(place(ofNumber: category)))
        add(net: amount &- discount, toCategoryNumber: category)
        w.writeVarint(sold.pointee.returnedQty.thousandths)
        w.writeVarint(sold.pointee.refunded)
    }

    /// A SKU as one byte of kind and length, then an all-digit code of up to 19 digits as its
    /// number, any other code as its bytes. Cheaper than numbering SKUs in a table: that costs
    /// two cache misses a line on a large catalog.
    private static func write(_ sku: borrowing SKU, to w: inout FixedBufferWriter) {
        let (value, digits) = sku.code.utf8.withContiguousStorageIfAvailable { ReceiptIndex.digitsValue($0) }
            ?? Array(sku.code.utf8).withUnsafeBufferPointer { ReceiptIndex.digitsValue($0) }
        let kind = UInt8(kindCode(sku.kind)) << 5
        if digits > 0 {
            w.write(kind | UInt8(digits))
            w.writeVarint(value)
        } else {
            w.write(kind)
            w.write(sku.code)
        }
    }

    /// The number an all-digit code of 1–19 digits spells and its digit count; (0, 0) for any
    /// other code. Digits go in pairs: the multiply-add chain is what a line's packing waits on.
    ///
    /// `inMemory`: the bytes lie in a buffer that was not just written, such as a journal
    /// record, rather than in a small string's words on the stack; their last eight are then
    /// read in one load instead of through `lastWord`.
    @inline(__always)
    static func digitsValue(_ bytes: UnsafeBufferPointer<UInt8>, inMemory: Bool = false) -> (UInt64, Int) {
        guard !bytes.isEmpty, bytes.count <= 19 else { return (0, 0) }
        // GTINs (8 to 14 digits) are nearly every code: two overlapping words, eight digits
        // each at a time.
        if bytes.count >= 8, bytes.count <= 16 {
            let raw = UnsafeRawBufferPointer(bytes)
            let first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            let last = inMemory ? UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
                : ReceiptIndex.lastWord(raw, first: first)
            guard ReceiptIndex.allDigits(first), ReceiptIndex.allDigits(last) else { return (0, 0) }
            guard bytes.count > 8 else { return (ReceiptIndex.eightDigitsValue(first), 8) }
            // The digits after the first eight are the top bytes of `last`; the bytes below
            // them, read already in `first`, count as '0's.
            let overlap: UInt64 = (1 << (UInt64(16 - bytes.count) * 8)) &- 1
            let tail = last & ~overlap | 0x3030_3030_3030_3030 & overlap
            // 10 to the power of the digits after the first eight (1–8), from its bits: the
            // factors do not wait on one another as a loop's multiplications would.
            let power = bytes.count - 8
            let scale = (power & 1 != 0 ? 10 : 1) &* (power & 2 != 0 ? 100 : 1)
                &* (power & 4 != 0 ? 10_000 : 1) &* (power & 8 != 0 ? 100_000_000 : 1) as UInt64
            return (ReceiptIndex.eightDigitsValue(first) &* scale &+ ReceiptIndex.eightDigitsValue(tail), bytes.count)
        }
        var value: UInt64 = 0
        // Non-zero once any byte is outside '0'…'9'; checked once at the end, off the chain.
        var outside: UInt8 = 0
        var index = 0
        if bytes.count & 1 == 1 {
            let digit = bytes[0] &- 0x30
            outside |= digit > 9 ? 0x10 : 0
            value = UInt64(digit)
            index = 1
        }
        while index < bytes.count {
            let high = bytes[index] &- 0x30, low = bytes[index + 1] &- 0x30
            outside |= (high > 9 ? 0x10 : 0) | (low > 9 ? 0x10 : 0)
            value = value &* 100 &+ UInt64(high &* 10 &+ low)
            index += 2
        }
        return outside == 0 ? (value, bytes.count) : (0, 0)
    }

    /// The last eight of 8–16 bytes as a little-endian word, `first` being the first eight.
    ///
    /// A small string hands out its bytes from two eight-byte words it has just stored on the
    /// stack; one load across both stores cannot be forwarded from them and waits for them to
    /// reach the cache, which cost more than the rest of packing a SKU. So the bytes after the
    /// first eight are read in loads that each lie within the second word, and the rest is
    /// taken from `first`.
    @inline(__always)
    static func lastWord(_ raw: UnsafeRawBufferPointer, first: UInt64) -> UInt64 {
        let count = raw.count
        let tail: UInt64
        switch count - 8 {
        case 8: return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        case 4...7:
            // Two loads that overlap when fewer than eight; the bytes they share are equal.
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            tail = low | high << UInt64((count - 12) * 8)
        case 2...3:
            let low = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
            let high = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)))
            tail = low | high << UInt64((count - 10) * 8)
        case 1: tail = UInt64(raw[8])
        default: return first
        }
        return first >> UInt64((count - 8) * 8) | tail << UInt64((16 - count) * 8)
    }

    /// True when all eight bytes of `word` are '0'…'9'.
    @inline(__always)
    private static func allDigits(_ word: UInt64) -> Bool {
        // High nibbles all 3, and still 3 after adding 6 (':' to '?' would carry into 4).
        word & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
            && (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
    }

    /// The number eight ASCII digits spell, the first in the lowest byte: pairs, then fours,
    /// then all eight combined in three multiply-adds.
    @inline(__always)
    private static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        var value = word &- 0x3030_3030_3030_3030
        value = (value &* 10 &+ value >> 8) & 0x00FF_00FF_00FF_00FF
        value = (value &* 100 &+ value >> 16) & 0x0000_FFFF_0000_FFFF
        return (value &* 10000 &+ value >> 32) & 0xFFFF_FFFF
    }

    private static func readSKU(from r: inout BinaryReader) throws(DecodeError) -> SKU {
        let tag = try r.readByte()
        guard let kind = kind(code: Int(tag >> 5)) else { throw DecodeError("bad SKU kind in a packed sale", offset: r.offset) }
        let digits = Int(tag & 0x1F)
        guard digits > 0 else { return SKU(trusted: try r.readString(), kind: kind) }
        let text = String(try r.readVarint())
        return SKU(trusted: String(repeating: "0", count: max(0, digits - text.utf8.count)) + text, kind: kind)
    }

    static func kindCode(_ kind: SKU.Kind) -> Int {
        switch kind {
        case .plain: 0
        case .ean8: 1
        case .upcA: 2
        case .ean13: 3
        case .gtin14: 4
        }
    }

    private static func kind(code: Int) -> SKU.Kind? {
        switch code {
        case 0: .plain
        case 1: .ean8
        case 2: .upcA
        case 3: .ean13
        case 4: .gtin14
        default: nil
        }
    }

    /// The sale that `pack` packed.
    func unpack(_ packed: PackedSale) -> SaleRecord {
        let result: Result<SaleRecord, DecodeError> = packed.withBytes { raw in
            var reader = BinaryReader(raw)
            return Result { () throws(DecodeError) in try unpack(from: &reader) }
        }
        switch result {
        case .success(let sale): return sale
        case .failure(let error):
            preconditionFailure("a packed sale in the receipt index does not decode (\(error)); memory can no longer be trusted")
        }
    }

    private func unpack(from r: inout BinaryReader) throws(DecodeError) -> SaleRecord {
        let id = try r.readString()
        let seq = try r.readVarint()
        let fingerprint = try r.readFixed()
        let store = strings[Int(try r.readVarint())]
        let terminal = strings[Int(try r.readVarint())]
        let cashier = strings[Int(try r.readVarint())]
        let at = try r.readTimestamp()
        let customer = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCard() }
        let rulesVersion = UInt32(truncatingIfNeeded: try r.readVarint())
        let tierCode = try r.readVarint()
        let tier = tierCode == 0 ? nil : strings[Int(tierCode - 1)]
        let earned = try r.readSignedVarint(), spent = try r.readSignedVarint(), balance = try r.readSignedVarint()
        let earnedReversed = try r.readSignedVarint(), spentRestored = try r.readSignedVarint()
        let expired = try r.readSignedVarint()
        let voided = try r.readBool()
        let table = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in strings[Int(try r.readVarint())] }
        let lines = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in
            let sku = try ReceiptIndex.readSKU(from: &r)
            let qty = try r.readQuantity()
            let price = try r.readSignedVarint()
            let categoryCode = try r.readVarint()
            let amount = (try r.readSignedVarint()) &+ (qty.amount(price: price) ?? 0)
            let discount = try r.readSignedVarint()
            let rules = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in table[Int(try r.readVarint())] }
            let pricedCategory = table[Int(try r.readVarint())]
            var sold = SoldLine(line: ReceiptLine(sku: sku, qty: qty, price: price,
                                                  category: categoryCode == 0 ? nil : table[Int(categoryCode - 1)]),
                                priced: PricedLine(amount: amount, discount: discount, rules: rules, category: pricedCategory))
            sold.returnedQty = try r.readQuantity()
            sold.refunded = try r.readSignedVarint()
            return sold
        }
        let payments = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in
            let code = try r.readVarint()
            let method: PaymentMethod
            switch code {
            case MethodCode.cash: method = .cash
            case MethodCode.card: method = .card
            case MethodCode.points: method = .points
            default: method = .other(table[Int(code - MethodCode.otherBase)])
            }
            return Payment(method: method, amount: try r.readSignedVarint())
        }
        guard r.isAtEnd else { throw DecodeError("trailing bytes after a packed sale", offset: r.offset) }
        return SaleRecord(seq: seq, fingerprint: fingerprint, id: id, store: store, terminal: terminal, cashier: cashier,
                          at: at, customer: customer, lines: lines, payments: payments, pointsEarned: earned,
                          pointsSpent: spent, pointsBalanceAfter: balance, tier: tier, rulesVersion: rulesVersion,
                          pointsExpired: expired, pointsEarnedReversed: earnedReversed, pointsSpentRestored: spentRestored, voided: voided)
    }
}
