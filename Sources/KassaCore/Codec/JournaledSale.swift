/// A journaled sale on its way into replay, still in its journal bytes.
///
/// Recovery replays hundreds of thousands of sales. Decoding each into a `SaleRecord` builds
/// thirty `SoldLine`s of strings only for the receipt index to pack them again a moment later,
/// so replay goes from these bytes to the packed sale instead
/// (`ReceiptIndex.insert(_: JournaledSale, day:)`). `read` checks the whole payload's structure
/// and decodes the header the customer aggregates, shift totals and stats need; it does not
/// check GTIN check digits again: the sale was validated before it was journaled, and the
/// record's CRC was checked when it was read back.
public struct JournaledSale: Sendable {
    /// The journal sequence number.
    public let seq: UInt64
    /// Server time the sale was recorded at.
    public let at: Timestamp
    /// The whole payload, as journaled.
    let payload: [UInt8]
    let fingerprint: UInt64
    /// The receipt's id.
    public let id: String
    let store: String
    let terminal: String
    let cashier: String
    /// When the till closed the receipt.
    let tillAt: Timestamp
    let customer: CardNumber?
    /// Where the line count starts in `payload`, and the count.
    let linesOffset: Int
    let lineCount: Int
    /// Where the payment count starts in `payload`, and the count.
    let paymentsOffset: Int
    let paymentCount: Int
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

    /// What the customer paid.
    var total: Int64 { subtotal - discount }

    /// Reads a sale's payload (format `formatVersion`) from `reader`, positioned just after the
    /// event's server time; the reader is `payload`'s.
    init(seq: UInt64, at: Timestamp, formatVersion: UInt8, payload: UnsafeRawBufferPointer,
         reader r: inout BinaryReader) throws(DecodeError) {
        self.seq = seq
        self.at = at
        fingerprint = try r.readFixed()
        id = try r.readString()
        store = try r.readString()
        terminal = try r.readString()
        cashier = try r.readString()
        tillAt = try r.readTimestamp()
        customer = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCard() }
        linesOffset = r.offset
        lineCount = try r.readCount()
        var subtotal: Int64 = 0, discount: Int64 = 0
        for _ in 0..<lineCount {
            let line = try JournaledSale.skipLine(&r)
            // Wrapping: a sale's total was checked against `Ledger.receiptTotalMax` before it was
            // journaled; these sums only repeat what `SaleRecord.subtotal` adds.
            subtotal = subtotal &+ line.amount
            discount = discount &+ line.discount
        }
        self.subtotal = subtotal
        self.discount = discount
        paymentsOffset = r.offset
        paymentCount = try r.readCount()
        for _ in 0..<paymentCount {
            let name = try r.readBytes()
            guard JournaledSale.method(name) != nil else { throw DecodeError("invalid payment method", offset: r.offset) }
            _ = try r.readSignedVarint()
        }
        pointsEarned = try r.readSignedVarint()
        pointsSpent = try r.readSignedVarint()
        pointsBalanceAfter = try r.readSignedVarint()
        tier = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }
        let version = try r.readVarint()
        guard let rulesVersion = UInt32(exactly: version) else { throw DecodeError("rules version out of range", offset: r.offset) }
        self.rulesVersion = rulesVersion
        pointsExpired = formatVersion >= 2 ? try r.readSignedVarint() : 0
        self.payload = [UInt8](payload)
    }

    /// Checks one line's structure and gives its amount and discount.
    private static func skipLine(_ r: inout BinaryReader) throws(DecodeError) -> (amount: Int64, discount: Int64) {
        let sku = try r.readBytes()
        guard !sku.isEmpty, sku.count <= SKU.lengthMax, BinaryReader.isASCII(sku) else {
            throw DecodeError("a sale line's SKU is not a code", offset: r.offset)
        }
        _ = try r.readSignedVarint()
        _ = try r.readSignedVarint()
        if try r.readBool() { try r.skipString() }
        let amount = try r.readSignedVarint()
        let discount = try r.readSignedVarint()
        let rules = try r.readCount()
        for _ in 0..<rules { try r.skipString() }
        try r.skipString()
        return (amount, discount)
    }

    /// The payment method a journaled name spells, without making a string for the usual three.
    static func method(_ name: UnsafeRawBufferPointer) -> PaymentMethod? {
        if name.elementsEqual("cash".utf8) { return .cash }
        if name.elementsEqual("card".utf8) { return .card }
        if name.elementsEqual("points".utf8) { return .points }
        return PaymentMethod(name: String(decoding: name, as: UTF8.self))
    }

    /// Runs `body` on the payload with a reader placed at `offset`; the reader is valid only
    /// inside `body`. The payload was checked by `init`, so a read failing here means memory
    /// can no longer be trusted.
    func read<T>(from offset: Int, _ body: (inout BinaryReader) throws(DecodeError) -> T) -> T {
        let result: Result<T, DecodeError> = payload.withUnsafeBytes { raw in
            var reader = BinaryReader(raw)
            reader.offset = offset
            return Result { () throws(DecodeError) in try body(&reader) }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            preconditionFailure("a journaled sale checked on reading does not read again (\(error)); memory can no longer be trusted")
        }
    }

    /// The payments, each as `body` gets it.
    func forEachPayment(_ body: (Payment) -> Void) {
        read(from: paymentsOffset) { (r: inout BinaryReader) throws(DecodeError) in
            let count = try r.readCount()
            for _ in 0..<count {
                let method = JournaledSale.method(try r.readBytes()) ?? .cash
                body(Payment(method: method, amount: try r.readSignedVarint()))
            }
        }
    }
}

extension BinaryReader {
    /// The bytes of a length-prefixed string, valid only while the reader's buffer is; their
    /// UTF-8 is not checked.
    @inline(__always)
    mutating func readBytes() throws(DecodeError) -> UnsafeRawBufferPointer {
        let count = try readVarint()
        guard count <= UInt64(BinaryReader.stringBytesMax), Int(count) <= remaining else {
            throw DecodeError("string length \(count) runs past the record", offset: offset)
        }
        let start = offset
        offset += Int(count)
        return slice(start, Int(count))
    }

    /// Moves past a length-prefixed string, checking that it is UTF-8.
    mutating func skipString() throws(DecodeError) {
        let at = offset
        let bytes = try readBytes()
        guard BinaryReader.isASCII(bytes) || String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) != nil else {
            throw DecodeError("string is not valid UTF-8", offset: at)
        }
    }
}
