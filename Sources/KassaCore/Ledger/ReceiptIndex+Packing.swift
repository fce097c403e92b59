/// A sale as the receipt index holds it: the `SaleRecord` in a few hundred bytes.
///
/// A `SaleRecord` of 30 lines takes about 4 KB in memory (each line carries its SKU, category
/// and rule strings and two structs of money fields); with two million receipts held that is
/// 8 GB. Packed, every number is a varint and every string a number in the index's intern
/// tables, a GTIN as its number, and a line's amount as its difference from `qty × price` (zero
/// under list pricing): about 20 bytes a line.
struct PackedSale: Sendable {
    /// The encoding written by `ReceiptIndex.pack`.
    var bytes: [UInt8]
}

extension ReceiptIndex {
    private enum MethodCode {
        static let cash: UInt64 = 0, card: UInt64 = 1, points: UInt64 = 2, otherBase: UInt64 = 3
    }

    /// Packs `sale`, numbering its strings in the intern tables.
    mutating func pack(_ sale: SaleRecord) -> PackedSale {
        var w = BinaryWriter(capacity: 64 + sale.lines.count * 24)
        w.writeVarint(sale.seq)
        w.writeFixed(sale.fingerprint)
        w.writeVarint(UInt64(strings.intern(sale.store)))
        w.writeVarint(UInt64(strings.intern(sale.terminal)))
        w.writeVarint(UInt64(strings.intern(sale.cashier)))
        w.write(sale.at)
        w.write(sale.customer) { $0.write($1) }
        w.writeVarint(UInt64(sale.rulesVersion))
        w.writeVarint(sale.tier.map { UInt64(strings.intern($0)) + 1 } ?? 0)
        for value in [sale.pointsEarned, sale.pointsSpent, sale.pointsBalanceAfter, sale.pointsEarnedReversed, sale.pointsSpentRestored] {
            w.writeVarint(value)
        }
        w.write(sale.voided)
        w.writeVarint(UInt64(sale.payments.count))
        for payment in sale.payments {
            switch payment.method {
            case .cash: w.writeVarint(MethodCode.cash)
            case .card: w.writeVarint(MethodCode.card)
            case .points: w.writeVarint(MethodCode.points)
            case .other(let name): w.writeVarint(MethodCode.otherBase + UInt64(strings.intern(name)))
            }
            w.writeVarint(payment.amount)
        }
        w.writeVarint(UInt64(sale.lines.count))
        var recentCategories: [(category: String, id: Int)] = []
        for sold in sale.lines {
            let line = sold.line, priced = sold.priced
            ReceiptIndex.write(line.sku, to: &w)
            w.write(line.qty)
            w.writeVarint(line.price)
            w.writeVarint(line.category.map { UInt64(strings.intern($0)) + 1 } ?? 0)
            // Wrapping arithmetic: the difference is only ever added back the same way.
            w.writeVarint(priced.amount &- (line.qty.amount(price: line.price) ?? 0))
            w.writeVarint(priced.discount)
            w.writeVarint(UInt64(priced.rules.count))
            for rule in priced.rules { w.writeVarint(UInt64(strings.intern(rule))) }
            w.writeVarint(UInt64(internCategory(priced.category, recent: &recentCategories)))
            w.write(sold.returnedQty)
            w.writeVarint(sold.refunded)
        }
        // Copy into an array of exactly this size: the writer's buffer has slack.
        var exact: [UInt8] = []
        exact.reserveCapacity(w.bytes.count)
        exact.append(contentsOf: w.bytes)
        return PackedSale(bytes: exact)
    }

    /// A SKU as one byte of kind and length, then an all-digit code of up to 19 digits as its
    /// number, any other code as its bytes. Cheaper than numbering SKUs in a table: that costs
    /// two cache misses a line on a large catalog.
    private static func write(_ sku: SKU, to w: inout BinaryWriter) {
        var code = sku.code
        let (value, digits) = code.withUTF8 { bytes -> (UInt64, Int) in
            guard bytes.count <= 19 else { return (0, 0) }
            var value: UInt64 = 0
            for byte in bytes {
                guard byte >= 0x30, byte <= 0x39 else { return (0, 0) }
                value = value &* 10 &+ UInt64(byte &- 0x30)
            }
            return (value, bytes.count)
        }
        let kind = UInt8(kindCode(sku.kind)) << 5
        if digits > 0 {
            w.write(kind | UInt8(digits))
            w.writeVarint(value)
        } else {
            w.write(kind)
            w.write(sku.code)
        }
    }

    private static func readSKU(from r: inout BinaryReader) throws(DecodeError) -> SKU {
        let tag = try r.readByte()
        guard let kind = kind(code: Int(tag >> 5)) else { throw DecodeError("bad SKU kind in a packed sale", offset: r.offset) }
        let digits = Int(tag & 0x1F)
        guard digits > 0 else { return SKU(trusted: try r.readString(), kind: kind) }
        let text = String(try r.readVarint())
        return SKU(trusted: String(repeating: "0", count: max(0, digits - text.utf8.count)) + text, kind: kind)
    }

    private static func kindCode(_ kind: SKU.Kind) -> Int {
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

    /// A sale's lines share a few categories: comparing with those seen on it is cheaper than
    /// hashing each line's.
    private mutating func internCategory(_ category: String, recent: inout [(category: String, id: Int)]) -> Int {
        // Comparing lengths first skips most calls into String's slower unequal-bits path.
        let length = category.utf8.count
        for entry in recent where entry.category.utf8.count == length && entry.category == category { return entry.id }
        let id = strings.intern(category)
        if recent.count < 16 { recent.append((category, id)) }
        return id
    }

    /// The sale `id` that `pack` packed.
    func unpack(_ packed: PackedSale, id: String) -> SaleRecord {
        let result: Result<SaleRecord, DecodeError> = packed.bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(raw)
            return Result { () throws(DecodeError) in try unpack(from: &reader, id: id) }
        }
        switch result {
        case .success(let sale): return sale
        case .failure(let error):
            preconditionFailure("a packed sale in the receipt index does not decode (\(error)); memory can no longer be trusted")
        }
    }

    private func unpack(from r: inout BinaryReader, id: String) throws(DecodeError) -> SaleRecord {
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
        let voided = try r.readBool()
        let payments = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in
            let code = try r.readVarint()
            let method: PaymentMethod
            switch code {
            case MethodCode.cash: method = .cash
            case MethodCode.card: method = .card
            case MethodCode.points: method = .points
            default: method = .other(strings[Int(code - MethodCode.otherBase)])
            }
            return Payment(method: method, amount: try r.readSignedVarint())
        }
        let lines = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in
            let sku = try ReceiptIndex.readSKU(from: &r)
            let qty = try r.readQuantity()
            let price = try r.readSignedVarint()
            let categoryCode = try r.readVarint()
            let amount = (try r.readSignedVarint()) &+ (qty.amount(price: price) ?? 0)
            let discount = try r.readSignedVarint()
            let rules = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in strings[Int(try r.readVarint())] }
            let pricedCategory = strings[Int(try r.readVarint())]
            var sold = SoldLine(line: ReceiptLine(sku: sku, qty: qty, price: price,
                                                  category: categoryCode == 0 ? nil : strings[Int(categoryCode - 1)]),
                                priced: PricedLine(amount: amount, discount: discount, rules: rules, category: pricedCategory))
            sold.returnedQty = try r.readQuantity()
            sold.refunded = try r.readSignedVarint()
            return sold
        }
        guard r.isAtEnd else { throw DecodeError("trailing bytes after a packed sale", offset: r.offset) }
        return SaleRecord(seq: seq, fingerprint: fingerprint, id: id, store: store, terminal: terminal, cashier: cashier,
                          at: at, customer: customer, lines: lines, payments: payments, pointsEarned: earned,
                          pointsSpent: spent, pointsBalanceAfter: balance, tier: tier, rulesVersion: rulesVersion,
                          pointsEarnedReversed: earnedReversed, pointsSpentRestored: spentRestored, voided: voided)
    }
}
