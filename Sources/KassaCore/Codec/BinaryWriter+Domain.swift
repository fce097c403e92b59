// The journal encoding of Kassa's values. Field order is the format: append new fields at the
// end of a record behind a new `LedgerEntryCodec.version`, never reorder.

extension BinaryWriter {
    /// A timestamp: epoch milliseconds and offset.
    public mutating func write(_ t: Timestamp) {
        writeVarint(t.epochMilliseconds)
        writeVarint(Int64(t.offsetMinutes))
    }

    /// A quantity in thousandths.
    public mutating func write(_ q: Quantity) { writeVarint(q.thousandths) }

    /// A SKU's code (its kind is derived again on decoding).
    public mutating func write(_ sku: SKU) { write(sku.code) }

    /// A card number: value and digit count.
    public mutating func write(_ card: CardNumber) {
        writeVarint(card.value)
        write(card.digits)
    }

    /// A local date as days since the epoch.
    public mutating func write(_ date: LocalDate) { writeVarint(Int64(date.daysSinceEpoch)) }

    /// A payment.
    public mutating func write(_ p: Payment) {
        write(p.method.description)
        writeVarint(p.amount)
    }

    /// A receipt line.
    public mutating func write(_ line: ReceiptLine) {
        write(line.sku)
        write(line.qty)
        writeVarint(line.price)
        write(line.category) { $0.write($1) }
    }

    /// A receipt as posted (also its fingerprint input).
    public mutating func write(_ r: Receipt) {
        write(r.id); write(r.store); write(r.terminal); write(r.cashier); write(r.at)
        write(r.customer) { $0.write($1) }
        write(r.lines) { $0.write($1) }
        write(r.payments) { $0.write($1) }
    }

    /// A return as posted.
    public mutating func write(_ r: SaleReturn) {
        write(r.id); write(r.sale); write(r.store); write(r.terminal); write(r.cashier); write(r.at)
        write(r.lines) { w, line in w.write(line.sku); w.write(line.qty) }
    }

    /// A void as posted.
    public mutating func write(_ v: SaleVoid) {
        write(v.id); write(v.sale); write(v.terminal); write(v.cashier); write(v.at); write(v.reason)
    }

    /// A customer's profile.
    public mutating func write(_ c: Customer) {
        write(c.card); write(c.phone); write(c.name)
        write(c.birthdate) { $0.write($1) }
        write(c.source); write(c.enrolledAt)
    }

    /// A catalog item.
    public mutating func write(_ p: Product) {
        write(p.sku); write(p.name); write(p.category); writeVarint(p.price); write(p.flags.rawValue)
    }

    /// A priced line.
    public mutating func write(_ p: PricedLine) {
        writeVarint(p.amount); writeVarint(p.discount)
        write(p.rules) { $0.write($1) }
        write(p.category)
    }

    /// A sale as registered, with nothing returned yet (that is how it is journaled). Written
    /// by `FixedBufferWriter.write(_: SaleRecord)` (the field order is there).
    public mutating func write(_ s: SaleRecord) {
        append(bound: s.journalBytesMax) { $0.write(s) }
    }

    /// A return as registered.
    public mutating func write(_ r: ReturnRecord) {
        writeFixed(r.fingerprint)
        write(r.id); write(r.sale); write(r.store); write(r.terminal); write(r.cashier); write(r.at)
        write(r.lines) { w, line in
            w.writeVarint(UInt64(line.saleLine)); w.write(line.sku); w.write(line.qty); w.writeVarint(line.refund)
        }
        writeVarint(r.pointsEarnedReversed); writeVarint(r.pointsSpentRestored)
        write(r.completesSale); writeVarint(r.pointsBalanceAfter)
    }

    /// A void as registered.
    public mutating func write(_ v: VoidRecord) {
        writeFixed(v.fingerprint)
        write(v.id); write(v.sale); write(v.terminal); write(v.cashier); write(v.at); write(v.reason)
        writeVarint(v.refund); writeVarint(v.pointsEarnedReversed); writeVarint(v.pointsSpentRestored)
        writeVarint(v.pointsBalanceAfter)
    }
}

extension Fingerprint {
    /// The fingerprint of a posted receipt.
    public static func of(_ receipt: Receipt) -> UInt64 {
        // Every sale takes this path: hash without writing the encoding out first.
        var hasher = FingerprintHasher()
        hasher.receipt(receipt)
        return hasher.value
    }

    /// The fingerprint of a posted return.
    public static func of(_ request: SaleReturn) -> UInt64 {
        var writer = BinaryWriter()
        writer.write(request)
        return of(writer.bytes)
    }

    /// The fingerprint of a posted void.
    public static func of(_ request: SaleVoid) -> UInt64 {
        var writer = BinaryWriter()
        writer.write(request)
        return of(writer.bytes)
    }
}
