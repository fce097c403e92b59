/// A journaled sale on its way into replay, its lines already in the receipt index's packed
/// form.
///
/// Recovery replays hundreds of thousands of sales. Decoding each into a `SaleRecord` builds
/// thirty `SoldLine`s of strings only for the receipt index to pack them again a moment later,
/// so the reading thread goes from the journal bytes to the body of the packed sale instead
/// (see `PackedSale`), and the recording thread only numbers the sale's few strings and copies
/// the body (`ReceiptIndex.insert(_: JournaledSale, day:)`). Reading checks the whole
/// payload's structure and decodes the header the customer aggregates, shift totals and stats
/// need; it does not check GTIN check digits again: the sale was validated before it was
/// journaled, and the record's CRC was checked when it was read back.
public struct JournaledSale: Sendable {
    /// The journal sequence number.
    public let seq: UInt64
    /// Server time the sale was recorded at.
    public let at: Timestamp
    let fingerprint: UInt64
    /// The receipt's id.
    public let id: String
    let store: String
    let terminal: String
    let cashier: String
    /// When the till closed the receipt.
    let tillAt: Timestamp
    let customer: CardNumber?
    let lineCount: Int
    let pointsEarned: Int64
    let pointsSpent: Int64
    let pointsBalanceAfter: Int64
    let tier: String?
    let rulesVersion: UInt32
    let pointsExpired: Int64
    /// Sum of line amounts before discounts.
    let subtotal: Int64
    /// Sum of line discounts.
    let discount: Int64
    /// The packed body (lines, then payments); then the sale's strings, each as a count and
    /// its bytes; then the net spend per category as (string number, spend) pairs, in the
    /// order the customer's spend meets them. At `packedStart` in `arena`; offsets below are
    /// from there.
    let arena: PackedSaleArena
    let packedStart: Int
    let packedCount: Int
    /// Where the payments start in `packed`.
    let paymentsOffset: Int
    /// Where the body ends and the strings start in `packed`.
    let stringsOffset: Int
    /// Where the net spend per category starts in `packed`.
    let netsOffset: Int

    /// What the customer paid.
    var total: Int64 { subtotal - discount }

    /// The payment method a journaled name spells, without making a string for the usual three.
    /// The usual three are told by their length and a load or two of their bytes: comparing
    /// them as sequences took a generic loop a byte at a time, on every sale.
    static func method(_ name: UnsafeRawBufferPointer) -> PaymentMethod? {
        switch name.count {
        case 4:
            let word = UInt32(littleEndian: name.loadUnaligned(as: UInt32.self))
            if word == MethodWord.cash { return .cash }
            if word == MethodWord.card { return .card }
        case 6:
            if UInt32(littleEndian: name.loadUnaligned(as: UInt32.self)) == MethodWord.poin,
               UInt16(littleEndian: name.loadUnaligned(fromByteOffset: 4, as: UInt16.self)) == MethodWord.ts {
                return .points
            }
        default: break
        }
        return PaymentMethod(name: String(decoding: name, as: UTF8.self))
    }

    /// The bytes of "cash", "card" and "points" as little-endian words.
    enum MethodWord {
        static let cash: UInt32 = 0x6873_6163, card: UInt32 = 0x6472_6163
        /// "poin" and "ts".
        static let poin: UInt32 = 0x6E69_6F70, ts: UInt16 = 0x7374
    }

    /// The packed bytes; valid while the sale is.
    var packed: UnsafeRawBufferPointer { arena.bytes(at: packedStart, count: packedCount) }

    /// Runs `body` on the packed bytes with a reader placed at `offset`; the reader is valid
    /// only inside `body`. They were written by `init`, so a read failing here means memory
    /// can no longer be trusted.
    func read<T>(from offset: Int, _ body: (inout BinaryReader) throws(DecodeError) -> T) -> T {
        let result: Result<T, DecodeError> = withExtendedLifetime(arena) {
            var reader = BinaryReader(packed)
            reader.offset = offset
            return Result { () throws(DecodeError) in try body(&reader) }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            preconditionFailure("a journaled sale packed on reading does not read again (\(error)); memory can no longer be trusted")
        }
    }
}

extension JournaledSale {
    /// Reads a sale's payload (format `formatVersion`) from `reader`, positioned just after the
    /// event's server time (the reader is `payload`'s), and packs it into `arena`, or into a
    /// new one when it is full. `body` is scratch kept from one sale to the next.
    ///
    /// Every field is read into a local and the sale made from them at the end by the
    /// memberwise initializer: assigned field by field in the struct's own initializer, the
    /// finished sale was copied out to be returned and the original destroyed, retaining and
    /// releasing what it holds on every sale (3-4% of recovery's reading thread).
    init(seq: UInt64, at: Timestamp, formatVersion: UInt8, payload: UnsafeRawBufferPointer,
         reader r: inout BinaryReader, arena: inout PackedSaleArena, body: inout Body) throws(DecodeError) {
        let fingerprint = try r.readFixed()
        let id = try r.readString()
        let store = try r.readString()
        let terminal = try r.readString()
        let cashier = try r.readString()
        let tillAt = try r.readTimestamp()
        let customer = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCard() }
        let lineCount = try r.readCount()
        // See `Body`.
        let bound = 6 * payload.count + 49 * lineCount + 64
        if arena.remaining < bound { arena = PackedSaleArena(capacity: max(PackedSaleArena.bytesDefault, bound)) }
        body.reset()
        var written = 0
        let packedStart = try arena.append(bound: bound) { (w: inout FixedBufferWriter) throws(DecodeError) in
            try body.pack(lines: lineCount, from: &r, payload: payload, into: &w)
            written = w.count
        }
        let pointsEarned = try r.readSignedVarint()
        let pointsSpent = try r.readSignedVarint()
        let pointsBalanceAfter = try r.readSignedVarint()
        let tier = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }
        let version = try r.readVarint()
        guard let rulesVersion = UInt32(exactly: version) else { throw DecodeError("rules version out of range", offset: r.offset) }
        let pointsExpired = formatVersion >= 2 ? try r.readSignedVarint() : 0
        self.init(seq: seq, at: at, fingerprint: fingerprint, id: id, store: store, terminal: terminal, cashier: cashier,
                  tillAt: tillAt, customer: customer, lineCount: lineCount, pointsEarned: pointsEarned, pointsSpent: pointsSpent,
                  pointsBalanceAfter: pointsBalanceAfter, tier: tier, rulesVersion: rulesVersion, pointsExpired: pointsExpired,
                  subtotal: body.subtotal, discount: body.discount, arena: arena, packedStart: packedStart, packedCount: written,
                  paymentsOffset: body.paymentsOffset, stringsOffset: body.stringsOffset, netsOffset: body.netsOffset)
    }
}

extension JournaledSale {
    /// The payments, each as `body` gets it; `name` gives the string a method other than
    /// cash, card and points has its place in the sale's strings.
    func forEachPayment(named name: (Int) -> String, _ body: (Payment) -> Void) {
        read(from: paymentsOffset) { (r: inout BinaryReader) throws(DecodeError) in
            let count = try r.readCount()
            for _ in 0..<count {
                let code = try r.readVarint()
                let method: PaymentMethod
                switch code {
                case ReceiptIndex.MethodCode.cash: method = .cash
                case ReceiptIndex.MethodCode.card: method = .card
                case ReceiptIndex.MethodCode.points: method = .points
                default: method = .other(name(Int(code - ReceiptIndex.MethodCode.otherBase)))
                }
                body(Payment(method: method, amount: try r.readSignedVarint()))
            }
        }
    }

    /// The packing of a sale's lines and payments on the reading thread: its strings numbered
    /// in order of first use, by their bytes.
    ///
    /// Bound: a packed line is at most its journal bytes plus 34 and four a rule (the SKU's
    /// tag and number, the amount's difference, the string numbers, nothing returned yet), a
    /// payment at most its journal bytes plus four; the strings are at most the payload; the
    /// nets are 15 bytes a category at most. So `6 × payload + 49 × lines + 64` bytes.
    struct Body {
        private struct Name {
            var start: Int
            var count: Int
            var net: Int64 = 0
            /// The first line with a net amount in this category (`Int.max`: none).
            var firstNet = Int.max
        }

        /// The names of a sale's strings and the key of each one's bytes (`CategoryCache.key`,
        /// or `longKey` when longer than a key holds; apart from the names, so that looking one
        /// up reads only keys), in memory of a fixed capacity that a larger copy replaces when
        /// full. Held in arrays, every line's net amount added to its category checked the
        /// array's uniqueness with a call into the runtime, and every string numbered its
        /// capacity too (3-4% of recovery's reading thread). `Body` counts the strings held and
        /// checks once a sale that it holds this memory alone.
        private final class Strings {
            let names: UnsafeMutablePointer<Name>
            let keys: UnsafeMutablePointer<CategoryCache.Key>
            let capacity: Int

            init(capacity: Int) {
                self.capacity = capacity
                names = .allocate(capacity: capacity)
                keys = .allocate(capacity: capacity)
            }

            /// Memory of `capacity` (at least `other`'s) holding the first `count` of `other`.
            convenience init(copying other: Strings, count: Int, capacity: Int) {
                self.init(capacity: max(capacity, other.capacity))
                names.initialize(from: other.names, count: count)
                keys.initialize(from: other.keys, count: count)
            }

            // Names and keys are plain values: nothing to deinitialize.
            deinit {
                names.deallocate()
                keys.deallocate()
            }
        }

        /// The sale's strings so far, `numbered` of them, in memory kept from one sale to the
        /// next (see `Strings`).
        private var strings = Strings(capacity: 64)
        private var numbered = 0
        private static let longKey = CategoryCache.Key(first: 0, last: 0, count: -1)
        /// The short keys of this sale's strings by a hash of their bytes, open addressing:
        /// each slot holds the sale's `generation` in its high half and the string's number
        /// plus one in its low half, so a slot of an earlier sale reads as empty and nothing is
        /// cleared between sales. A line's category is found at its first probe, where a
        /// search through `keys` stopped at an unpredictable place on every line.
        private var slots = [UInt64](repeating: 0, count: Body.slotsCount)
        private static let slotsCount = 128
        /// Strings put in `slots` at most, keeping it at most half full; later ones are found
        /// by `numberOutlined`'s search.
        private static let slottedMax = slotsCount / 2
        private var generation: UInt64 = 1
        private(set) var subtotal: Int64 = 0
        private(set) var discount: Int64 = 0
        private(set) var paymentsOffset = 0
        private(set) var stringsOffset = 0
        private(set) var netsOffset = 0

        /// Ready for the next sale; keeps the memory of its string list.
        mutating func reset() {
            // Checked once a sale: a copy of the decoder gets memory of its own before it
            // writes, as an array's would.
            if !isKnownUniquelyReferenced(&strings) { strings = Strings(capacity: strings.capacity) }
            numbered = 0
            // 2^32 sales later a slot could read as this sale's again; `number` checks the key
            // it leads to, so that only costs a probe.
            generation = (generation &+ 1) & 0xFFFF_FFFF
            subtotal = 0
            discount = 0
        }

        mutating func pack(lines count: Int, from r: inout BinaryReader, payload: UnsafeRawBufferPointer,
                           into w: inout FixedBufferWriter) throws(DecodeError) {
            w.writeVarint(UInt64(count))
            try packLines(count, from: &r, payload: payload, into: &w)
            paymentsOffset = w.count
            let payments = try r.readCount()
            w.writeVarint(UInt64(payments))
            for _ in 0..<payments {
                let name = try r.readBytes()
                guard let method = JournaledSale.method(name) else { throw DecodeError("invalid payment method", offset: r.offset) }
                switch method {
                case .cash: w.writeVarint(ReceiptIndex.MethodCode.cash)
                case .card: w.writeVarint(ReceiptIndex.MethodCode.card)
                case .points: w.writeVarint(ReceiptIndex.MethodCode.points)
                case .other: w.writeVarint(ReceiptIndex.MethodCode.otherBase + UInt64(try number(name, payload: payload, at: r.offset)))
                }
                w.writeVarint(try r.readSignedVarint())
            }
            stringsOffset = w.count
            w.writeVarint(UInt64(numbered))
            for index in 0..<numbered {
                let name = strings.names[index]
                w.write(bytes: UnsafeRawBufferPointer(rebasing: payload[name.start..<(name.start + name.count)]))
            }
            netsOffset = w.count
            writeNets(into: &w)
        }

        /// Packs `count` lines. The reader and writer are copied into locals for the loop, and
        /// nothing in it takes their address, so that their offsets stay in registers instead
        /// of going through memory at every byte read and written.
        @inline(never)
        private mutating func packLines(_ count: Int, from reader: inout BinaryReader, payload: UnsafeRawBufferPointer,
                                        into writer: inout FixedBufferWriter) throws(DecodeError) {
            var r = reader
            var w = writer
            for line in 0..<count { try packLine(line, from: &r, payload: payload, into: &w) }
            reader = r
            writer = w
        }

        /// Packs the line at the reader as `ReceiptIndex.pack(_: SoldLine, …)` packs it decoded.
        @inline(__always)
        private mutating func packLine(_ line: Int, from r: inout BinaryReader, payload: UnsafeRawBufferPointer,
                                       into w: inout FixedBufferWriter) throws(DecodeError) {
            let sku = try r.readBytes()
            let (value, digits) = ReceiptIndex.digitsValue(sku.bindMemory(to: UInt8.self), inMemory: true)
            // All digits is ASCII; other codes are checked byte by byte.
            guard digits > 0 || (!sku.isEmpty && sku.count <= SKU.lengthMax && BinaryReader.isASCII(sku)) else {
                throw DecodeError("a sale line's SKU is not a code", offset: r.offset)
            }
            // The kind `SKU.classify` gave the code before it was journaled: all digits of a
            // GTIN's length is that GTIN (its check digit was validated then), anything else
            // is plain.
            let kind = UInt8(ReceiptIndex.kindCode(digits > 0 ? ReceiptIndex.gtinKind(digits: digits) : .plain)) << 5
            if digits > 0 {
                w.write(kind | UInt8(digits))
                w.writeVarint(value)
            } else {
                w.write(kind)
                // Through a copy: `write(bytes:)` is a call, which would take `w`'s address.
                var plain = w
                plain.write(bytes: sku)
                w = plain
            }
            // Quantity, price and discount are varints of the same encoding in both: their
            // bytes are copied as they are.
            let quantityAt = r.offset
            let qty = try r.readSignedVarint()
            let price = try r.readSignedVarint()
            w.append(r.slice(quantityAt, r.offset - quantityAt), within: payload)
            if try r.readBool() {
                w.writeVarint(UInt64(try number(try r.readBytes(), payload: payload, at: r.offset)) + 1)
            } else {
                w.writeVarint(0 as UInt64)
            }
            let amount = try r.readSignedVarint()
            let discountAt = r.offset
            let discount = try r.readSignedVarint()
            // Wrapping, as `pack(_: SoldLine, …)`: the difference is only ever added back.
            w.writeVarint(amount &- (Quantity(thousandths: qty).amount(price: price) ?? 0))
            w.append(r.slice(discountAt, r.offset - discountAt), within: payload)
            // Wrapping: a sale's total was checked against `Ledger.receiptTotalMax` before it
            // was journaled; these sums only repeat what `SaleRecord.subtotal` adds.
            subtotal = subtotal &+ amount
            self.discount = self.discount &+ discount
            let rules = try r.readCount()
            w.writeVarint(UInt64(rules))
            for _ in 0..<rules { w.writeVarint(UInt64(try number(try r.readBytes(), payload: payload, at: r.offset))) }
            let category = try number(try r.readBytes(), payload: payload, at: r.offset)
            w.writeVarint(UInt64(category))
            // Nothing returned or refunded yet: two varints of zero.
            w.write(0 as UInt8)
            w.write(0 as UInt8)
            let net = amount &- discount
            if net != 0 {
                // `number` gave `category`, so it is one of the strings numbered.
                precondition(category < numbered, "a line's category has no number; memory can no longer be trusted")
                let name = strings.names + category
                name.pointee.net = name.pointee.net &+ net
                if name.pointee.firstNet == Int.max { name.pointee.firstNet = line }
            }
        }

        /// The number of the string `bytes` (a slice of `payload`) on this sale, numbering it
        /// first when new; a new string's UTF-8 is checked.
        @inline(__always)
        private mutating func number(_ bytes: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, at offset: Int) throws(DecodeError) -> Int {
            // The usual string, a category or rule id of a few bytes met earlier in the sale,
            // is found here without a call.
            if let key = CategoryCache.key(bytes, within: payload) {
                let generation = self.generation
                // The string's number; or −2 − the free slot where the probe stopped, when the
                // string is not in `slots`; or −1 when the probe met no free slot.
                let keys = strings.keys, held = numbered
                let found: Int = slots.withUnsafeBufferPointer { slots in
                    var slot = Body.slot(key)
                    for _ in 0..<Body.slotsCount {
                        let entry = slots[slot]
                        guard entry >> 32 == generation else { return -2 - slot }
                        let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                        if index >= 0, index < held, keys[index] == key { return index }
                        slot = (slot + 1) & (Body.slotsCount - 1)
                    }
                    return -1
                }
                if found >= 0 { return found }
                // Not in `slots` while fewer than `slottedMax` strings are numbered: every short
                // string numbered so far is in `slots` (`numberOutlined` puts it there), so this
                // one is new. An ASCII one (its key's words say so) is numbered here, in the
                // free slot the probe found, without searching the sale's strings again.
                if found < -1, numbered < Body.slottedMax, (key.first | key.last) & 0x8080_8080_8080_8080 == 0 {
                    let start = bytes.isEmpty ? 0 : (bytes.baseAddress! - payload.baseAddress!)
                    append(Name(start: start, count: bytes.count), key: key)
                    slots[-2 - found] = generation << 32 | UInt64(numbered)
                    return numbered - 1
                }
            }
            return try numberOutlined(bytes, payload: payload, at: offset)
        }

        /// The first slot to probe for `key`.
        @inline(__always)
        private static func slot(_ key: CategoryCache.Key) -> Int {
            let mixed = (key.first ^ (key.last &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: key.count)) &* 0x9E37_79B9_7F4A_7C15
            return Int(truncatingIfNeeded: mixed >> 57)
        }

        /// Puts the string numbered `index`, with the short `key`, in `slots` (if a slot is
        /// free: `numberOutlined` finds it anyway).
        private mutating func remember(_ key: CategoryCache.Key, index: Int) {
            var slot = Body.slot(key)
            for _ in 0..<Body.slotsCount {
                if slots[slot] >> 32 != generation {
                    slots[slot] = generation << 32 | UInt64(index + 1)
                    return
                }
                slot = (slot + 1) & (Body.slotsCount - 1)
            }
        }

        /// `number` of a string not found through `slots`: a long one, a short one numbered
        /// after `slots` filled up, or a new one. Searches every string of the sale, so that
        /// `slots` only ever saves time.
        @inline(never)
        private mutating func numberOutlined(_ bytes: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, at offset: Int) throws(DecodeError) -> Int {
            let key = CategoryCache.key(bytes, within: payload)
            let keys = strings.keys, names = strings.names
            if let key {
                for index in 0..<numbered where keys[index] == key { return index }
            } else {
                for index in 0..<numbered where keys[index] == Body.longKey && names[index].count == bytes.count
                    && UnsafeRawBufferPointer(rebasing: payload[names[index].start..<(names[index].start + bytes.count)]).elementsEqual(bytes) {
                    return index
                }
            }
            // A short string is ASCII when its key's words are: they hold its bytes, zero-padded.
            let ascii = key.map { ($0.first | $0.last) & 0x8080_8080_8080_8080 == 0 } ?? BinaryReader.isASCII(bytes)
            guard ascii || String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) != nil else {
                throw DecodeError("string is not valid UTF-8", offset: offset)
            }
            let start = bytes.isEmpty ? 0 : (bytes.baseAddress! - payload.baseAddress!)
            append(Name(start: start, count: bytes.count), key: key ?? Body.longKey)
            if let key, numbered <= Body.slottedMax { remember(key, index: numbered - 1) }
            return numbered - 1
        }

        /// Numbers the string `name` with the key `key`: the next number.
        @inline(__always)
        private mutating func append(_ name: Name, key: CategoryCache.Key) {
            if numbered == strings.capacity { strings = Strings(copying: strings, count: numbered, capacity: 2 * numbered) }
            (strings.names + numbered).initialize(to: name)
            (strings.keys + numbered).initialize(to: key)
            numbered += 1
        }

        /// The categories with a net amount, in the order of their first line with one.
        private func writeNets(into w: inout FixedBufferWriter) {
            let names = UnsafeBufferPointer(start: strings.names, count: numbered)
            var written = 0
            var inOrder = true
            var previous = -1
            for name in names where name.firstNet != Int.max {
                written += 1
                inOrder = inOrder && name.firstNet > previous
                previous = name.firstNet
            }
            w.writeVarint(UInt64(written))
            if inOrder {
                // The usual case: a category's first line has a net amount.
                for index in names.indices where names[index].firstNet != Int.max {
                    w.writeVarint(UInt64(index))
                    w.writeVarint(names[index].net)
                }
                return
            }
            var after = -1
            for _ in 0..<written {
                // The next category by first line: a sale has a few, so a scan each is cheap.
                var next = -1
                for index in names.indices where names[index].firstNet > after && names[index].firstNet != Int.max {
                    if next < 0 || names[index].firstNet < names[next].firstNet { next = index }
                }
                w.writeVarint(UInt64(next))
                w.writeVarint(names[next].net)
                after = names[next].firstNet
            }
        }
    }
}

extension BinaryReader {
    /// The bytes of a length-prefixed string, valid only while the reader's buffer is; their
    /// UTF-8 is not checked.
    @inline(__always)
    public mutating func readBytes() throws(DecodeError) -> UnsafeRawBufferPointer {
        let count = try readVarint()
        guard count <= UInt64(BinaryReader.stringBytesMax), Int(count) <= remaining else {
            throw DecodeError("string length \(count) runs past the record", offset: offset)
        }
        let start = offset
        offset += Int(count)
        return slice(start, Int(count))
    }
}

extension JournaledSale: SaleHeader {
    var closedAt: Timestamp { tillAt }
    // A sale is journaled before anything is returned or voided against it.
    var pointsEarnedReversed: Int64 { 0 }
    var pointsSpentRestored: Int64 { 0 }
    var voided: Bool { false }
}
