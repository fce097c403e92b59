import GRDB
import KassaCore

/// A sale's rows in the history, written straight from its journal payload.
///
/// Sales are nearly every record the projector reads, and decoding each into a `SaleRecord`
/// (thirty `SoldLine`s, SKUs classified and check digits validated again, strings made) only
/// to take the values back out for SQLite cost about as much as SQLite's own work. So a sale's
/// payload is read field by field into the statements' bindings, its strings bound where they
/// lie in the payload; every other event goes through `LedgerEntryCodec.decode` and
/// `HistoryRows`. The rows are the ones `HistoryRows` writes for the decoded sale, column for
/// column (`JournalProjectionTests` holds the two to that).
///
/// The payload's structure is checked as it is read (every length, every byte consumed), but
/// not the values again, nor the strings' UTF-8: the sale was validated before it was
/// journaled, from Swift strings, and the record's checksum was checked when it was read back.
struct SaleRows {
    /// Most lines one INSERT writes: one statement for a whole receipt of the usual size,
    /// where SQLite's cursor stays on the last page from one line to the next instead of
    /// being opened, moved to the end and closed again for every line.
    static let linesPerStatementMax = 32

    private let saleStatement: Statement
    /// The INSERT of `n` lines at `n - 1`, prepared when first needed.
    private var lineStatements: [Statement?] = Array(repeating: nil, count: linesPerStatementMax)
    /// Scratch for the payments column and a line's rule ids, kept from one sale to the next.
    private var payments: [UInt8] = []
    private var rules: [UInt8] = []

    init(_ db: Database) throws {
        saleStatement = try db.cachedStatement(sql: HistoryRows.insertSaleSQL)
    }

    private mutating func lineStatement(rows: Int, in db: Database) throws -> Statement {
        if let statement = lineStatements[rows - 1] { return statement }
        let statement = try db.cachedStatement(sql: HistoryRows.insertLinesSQL(rows: rows))
        lineStatements[rows - 1] = statement
        return statement
    }

    /// Inserts the rows of the sale whose payload (format `version`) `r` reads, placed just
    /// past the event's server time; leaves it at the end of the event. The payload must stay
    /// valid until this returns: its strings are bound where they lie.
    mutating func insert(seq: UInt64, version: UInt8, from r: inout BinaryReader, into db: Database) throws {
        _ = try r.readFixed()  // the fingerprint: not in the history
        let id = try r.readBytes(), store = try r.readBytes(), terminal = try r.readBytes(), cashier = try r.readBytes()
        let at = try r.readTimestamp()
        let customer = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCard() }
        let lines = try r.readCount()
        var subtotal: Int64 = 0
        var discount: Int64 = 0
        var index = 0
        while index < lines {
            let rows = min(lines - index, Self.linesPerStatementMax)
            var row = RowInsert(try lineStatement(rows: rows, in: db), in: db)
            for _ in 0..<rows {
                let (amount, lineDiscount) = try bindLine(index, of: seq, from: &r, into: &row)
                // Wrapping: the sale's total was checked against `Ledger.receiptTotalMax` before
                // it was journaled; these sums only repeat what `SaleRecord.subtotal` adds.
                subtotal = subtotal &+ amount
                discount = discount &+ lineDiscount
                index += 1
            }
            try row.run()
        }
        try readPayments(from: &r)
        let earned = try r.readSignedVarint(), spent = try r.readSignedVarint()
        _ = try r.readSignedVarint()  // the balance after: not in the history
        _ = try r.readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readBytes() }  // the tier: neither
        let rulesVersion = try r.readVarint()
        guard rulesVersion <= UInt64(UInt32.max) else { throw DecodeError("rules version out of range", offset: r.offset) }
        let expired = version >= 2 ? try r.readSignedVarint() : 0
        var row = RowInsert(saleStatement, in: db)
        row.int(Int64(seq)); row.text(borrowing: id); row.text(borrowing: store); row.text(borrowing: terminal)
        row.text(borrowing: cashier); row.text(at.description); row.int(at.epochMilliseconds); row.int(Int64(at.localDay))
        row.text(customer?.description); row.int(subtotal); row.int(discount); row.int(subtotal &- discount)
        row.int(earned); row.int(spent); row.int(Int64(rulesVersion))
        payments.withUnsafeBytes { row.text(copying: $0) }
        row.int(expired)
        try row.run()
    }

    /// Binds the sale line at the reader as the next row of `row`; returns its amount and
    /// discount, which the sale's row adds up.
    private mutating func bindLine(_ index: Int, of seq: UInt64, from r: inout BinaryReader,
                                   into row: inout RowInsert) throws -> (amount: Int64, discount: Int64) {
        row.int(Int64(seq)); row.int(index)
        row.text(borrowing: try r.readBytes())  // SKU
        row.int(try r.readSignedVarint())  // quantity
        row.int(try r.readSignedVarint())  // price
        if try r.readBool() { _ = try r.readBytes() }  // the till's category: the priced one is kept
        let amount = try r.readSignedVarint(), discount = try r.readSignedVarint()
        row.int(amount); row.int(discount)
        let ruleCount = try r.readCount()
        if ruleCount == 1 {
            let rule = try r.readBytes()
            row.text(borrowing: try r.readBytes())  // category
            row.text(borrowing: rule)
        } else {
            // Comma-separated, as `HistoryRows` joins them; copied, since `rules` is reused by
            // the next line before the statement runs.
            rules.removeAll(keepingCapacity: true)
            for rule in 0..<ruleCount {
                if rule > 0 { rules.append(UInt8(ascii: ",")) }
                rules.append(contentsOf: try r.readBytes())
            }
            row.text(borrowing: try r.readBytes())  // category
            rules.withUnsafeBytes { row.text(copying: $0) }
        }
        return (amount, discount)
    }

    /// The payments column (`method=amount;…`) into `payments`.
    private mutating func readPayments(from r: inout BinaryReader) throws {
        payments.removeAll(keepingCapacity: true)
        let count = try r.readCount()
        for index in 0..<count {
            if index > 0 { payments.append(UInt8(ascii: ";")) }
            payments.append(contentsOf: try r.readBytes())
            payments.append(UInt8(ascii: "="))
            payments.append(contentsOf: String(try r.readSignedVarint()).utf8)
        }
    }
}
