// Decoding of the journal encoding written by `BinaryWriter+Domain.swift`. Every value is
// validated again on the way in: a record that passed its checksum but holds an impossible
// value is reported, never accepted.

extension BinaryReader {
    /// A timestamp.
    public mutating func readTimestamp() throws(DecodeError) -> Timestamp {
        let ms = try readSignedVarint()
        let offset = try readSignedVarint()
        guard let narrow = Int16(exactly: offset), abs(narrow) < 24 * 60 else { throw DecodeError("bad UTC offset \(offset)", offset: self.offset) }
        return Timestamp(epochMilliseconds: ms, offsetMinutes: narrow)
    }

    /// A quantity.
    public mutating func readQuantity() throws(DecodeError) -> Quantity { Quantity(thousandths: try readSignedVarint()) }

    /// A SKU, its check digit validated again.
    public mutating func readSKU() throws(DecodeError) -> SKU {
        let at = offset
        // Every sale line carries one: classify the bytes where they lie, and make the string
        // only once they are known to be a SKU (printable ASCII, so valid UTF-8 as they stand).
        if let sku = readValidSKU() { return sku }
        offset = at
        let code = try readString()
        do {
            return try SKU(validating: code)
        } catch {
            throw DecodeError("invalid SKU \(code)", offset: at)
        }
    }

    /// A SKU when the bytes at the offset are one; nil, with the offset anywhere, when not.
    private mutating func readValidSKU() -> SKU? {
        guard let count = try? readCount(), count <= SKU.lengthMax else { return nil }
        return withBytes(count) { slice in
            let utf8 = slice.bindMemory(to: UInt8.self)
            guard let kind = try? SKU.classify(utf8) else { return nil }
            return SKU(trusted: String(decoding: utf8, as: UTF8.self), kind: kind)
        }
    }

    /// A card number.
    public mutating func readCard() throws(DecodeError) -> CardNumber {
        let value = try readVarint()
        let digits = try readByte()
        guard let card = CardNumber(value: value, digits: digits) else { throw DecodeError("invalid card number", offset: offset) }
        return card
    }

    /// A local date.
    public mutating func readDate() throws(DecodeError) -> LocalDate { LocalDate(daysSinceEpoch: try readInt32()) }

    /// An optional value.
    public mutating func readOptional<T>(_ body: (inout BinaryReader) throws(DecodeError) -> T) throws(DecodeError) -> T? {
        try readBool() ? try body(&self) : nil
    }

    /// An array.
    public mutating func readArray<T>(_ body: (inout BinaryReader) throws(DecodeError) -> T) throws(DecodeError) -> [T] {
        let count = try readCount()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try body(&self)) }
        return values
    }

    /// A payment.
    public mutating func readPayment() throws(DecodeError) -> Payment {
        let name = try readString()
        guard let method = PaymentMethod(name: name) else { throw DecodeError("invalid payment method \(name)", offset: offset) }
        return Payment(method: method, amount: try readSignedVarint())
    }

    /// A receipt line.
    public mutating func readReceiptLine() throws(DecodeError) -> ReceiptLine {
        let sku = try readSKU()
        let qty = try readQuantity()
        let price = try readSignedVarint()
        let category = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }
        return ReceiptLine(sku: sku, qty: qty, price: price, category: category)
    }

    /// A customer profile.
    public mutating func readCustomer() throws(DecodeError) -> Customer {
        let card = try readCard()
        let phone = try readString()
        let name = try readString()
        let birthdate = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readDate() }
        let source = try readString()
        let enrolledAt = try readTimestamp()
        return Customer(card: card, phone: phone, name: name, birthdate: birthdate, source: source, enrolledAt: enrolledAt)
    }

    /// A catalog item.
    public mutating func readProduct() throws(DecodeError) -> Product {
        let sku = try readSKU()
        let name = try readString()
        let category = try readString()
        let price = try readSignedVarint()
        let flags = Product.Flags(rawValue: try readByte())
        return Product(sku: sku, name: name, category: category, price: price, flags: flags)
    }

    /// A priced line.
    public mutating func readPricedLine() throws(DecodeError) -> PricedLine {
        let amount = try readSignedVarint()
        let discount = try readSignedVarint()
        let rules = try readArray { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }
        let category = try readString()
        return PricedLine(amount: amount, discount: discount, rules: rules, category: category)
    }

    /// A sale record as journaled.
    public mutating func readSaleRecord(seq: UInt64, formatVersion: UInt8 = LedgerEntryCodec.version) throws(DecodeError) -> SaleRecord {
        let fingerprint = try readFixed()
        let id = try readString(), store = try readString(), terminal = try readString(), cashier = try readString()
        let at = try readTimestamp()
        let customer = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCard() }
        let lines = try readArray { (r: inout BinaryReader) throws(DecodeError) in
            SoldLine(line: try r.readReceiptLine(), priced: try r.readPricedLine())
        }
        let payments = try readArray { (r: inout BinaryReader) throws(DecodeError) in try r.readPayment() }
        let earned = try readSignedVarint(), spent = try readSignedVarint(), balance = try readSignedVarint()
        let tier = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }
        let version = try readVarint()
        guard let rulesVersion = UInt32(exactly: version) else { throw DecodeError("rules version out of range", offset: offset) }
        let expired = formatVersion >= 2 ? try readSignedVarint() : 0
        return SaleRecord(seq: seq, fingerprint: fingerprint, id: id, store: store, terminal: terminal, cashier: cashier,
                          at: at, customer: customer, lines: lines, payments: payments, pointsEarned: earned,
                          pointsSpent: spent, pointsBalanceAfter: balance, tier: tier, rulesVersion: rulesVersion,
                          pointsExpired: expired)
    }

    /// A return record as journaled.
    public mutating func readReturnRecord(seq: UInt64) throws(DecodeError) -> ReturnRecord {
        let fingerprint = try readFixed()
        let id = try readString(), sale = try readString(), store = try readString()
        let terminal = try readString(), cashier = try readString()
        let at = try readTimestamp()
        let lines = try readArray { (r: inout BinaryReader) throws(DecodeError) in
            let index = try r.readVarint()
            guard index < 1 << 20 else { throw DecodeError("sale line index out of range", offset: r.offset) }
            return ReturnedLine(saleLine: Int(index), sku: try r.readSKU(), qty: try r.readQuantity(), refund: try r.readSignedVarint())
        }
        let earned = try readSignedVarint(), spent = try readSignedVarint()
        let completes = try readBool()
        let balance = try readSignedVarint()
        return ReturnRecord(seq: seq, fingerprint: fingerprint, id: id, sale: sale, store: store, terminal: terminal,
                            cashier: cashier, at: at, lines: lines, pointsEarnedReversed: earned,
                            pointsSpentRestored: spent, completesSale: completes, pointsBalanceAfter: balance)
    }

    /// A void record as journaled.
    public mutating func readVoidRecord(seq: UInt64) throws(DecodeError) -> VoidRecord {
        let fingerprint = try readFixed()
        let id = try readString(), sale = try readString(), terminal = try readString(), cashier = try readString()
        let at = try readTimestamp()
        let reason = try readString()
        let refund = try readSignedVarint(), earned = try readSignedVarint(), spent = try readSignedVarint()
        let balance = try readSignedVarint()
        return VoidRecord(seq: seq, fingerprint: fingerprint, id: id, sale: sale, terminal: terminal, cashier: cashier,
                          at: at, reason: reason, refund: refund, pointsEarnedReversed: earned,
                          pointsSpentRestored: spent, pointsBalanceAfter: balance)
    }
}
