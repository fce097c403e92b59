import GRDB
import KassaCore

/// A sale's rows in the history, written straight from its journal payload.
///
/// Sales are nearly every record the projector reads, and decoding each into a `SaleRecord`
/// (thirty `SoldLine`s, SKUs classified and check digits validated again) only to take the
/// values back out for SQLite cost about as much as SQLite's own work. So a sale's payload is
/// read field by field into the statements' bindings; every other event goes through
/// `LedgerEntryCodec.decode` and `HistoryRows`. The rows are the ones `HistoryRows` writes for
/// the decoded sale, column for column (`JournalProjectionTests` holds the two to that).
///
/// The payload's structure is checked as it is read (every length, every byte consumed), but
/// not the values again: the sale was validated before it was journaled, and the record's
/// checksum was checked when it was read back.
struct SaleRows {
    private let saleStatement: Statement
    private let lineStatement: Statement
    /// Scratch for the payments column and a line's rule ids, kept from one sale to the next.
    private var payments = ""
    private var rules = ""

    init(_ db: Database) throws {
        saleStatement = try db.cachedStatement(sql: HistoryRows.insertSaleSQL)
        lineStatement = try db.cachedStatement(sql: HistoryRows.insertLineSQL)
    }

    /// Inserts the rows of the sale whose payload (format `version`) `reader` is in, just past
    /// the event's server time; leaves the reader at the end of the event.
    mutating func insert(seq: UInt64, version: UInt8, from r: inout BinaryReader, into db: Database) throws {
        _ = try r.readFixed()  // the fingerprint: not in the history
        let id = try r.readString(), store = try r.readString(), terminal = try r.readString(), cashier = try r.readString()
        let at = try r.readTimestamp()
        let customer = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCard() }
        let lines = try r.readCount()
        var subtotal: Int64 = 0
        var discount: Int64 = 0
        for index in 0..<lines {
            var row = RowInsert(lineStatement, in: db)
            row.int(Int64(seq)); row.int(index)
            row.text(try r.readString())  // SKU
            row.int(try r.readSignedVarint())  // quantity
            row.int(try r.readSignedVarint())  // price
            _ = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }  // the till's category: the priced one is kept
            let amount = try r.readSignedVarint(), lineDiscount = try r.readSignedVarint()
            row.int(amount); row.int(lineDiscount)
            // Wrapping: the sale's total was checked against `Ledger.receiptTotalMax` before it
            // was journaled; these sums only repeat what `SaleRecord.subtotal` adds.
            subtotal = subtotal &+ amount
            discount = discount &+ lineDiscount
            rules.removeAll(keepingCapacity: true)
            let ruleCount = try r.readCount()
            for rule in 0..<ruleCount {
                if rule > 0 { rules.append(",") }
                rules.append(try r.readString())
            }
            row.text(try r.readString())  // category
            row.text(rules)
            try row.run()
        }
        payments.removeAll(keepingCapacity: true)
        let paymentCount = try r.readCount()
        for index in 0..<paymentCount {
            if index > 0 { payments.append(";") }
            payments.append(try r.readString())
            payments.append("=")
            payments.append(String(try r.readSignedVarint()))
        }
        let earned = try r.readSignedVarint(), spent = try r.readSignedVarint()
        _ = try r.readSignedVarint()  // the balance after: not in the history
        _ = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }  // the tier: neither
        let rulesVersion = try r.readVarint()
        guard rulesVersion <= UInt64(UInt32.max) else { throw DecodeError("rules version out of range", offset: r.offset) }
        let expired = version >= 2 ? try r.readSignedVarint() : 0
        var row = RowInsert(saleStatement, in: db)
        row.int(Int64(seq)); row.text(id); row.text(store); row.text(terminal); row.text(cashier)
        row.text(at.description); row.int(at.epochMilliseconds); row.int(Int64(at.localDay))
        row.text(customer?.description); row.int(subtotal); row.int(discount); row.int(subtotal &- discount)
        row.int(earned); row.int(spent); row.int(Int64(rulesVersion)); row.text(payments)
        row.int(expired)
        try row.run()
    }
}
