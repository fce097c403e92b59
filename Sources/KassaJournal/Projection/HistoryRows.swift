import GRDB
import KassaCore

/// How journal entries become rows of the history tables.
enum HistoryRows {
    /// A row of `sales`, in the order `SaleRows` and the inserts below bind it.
    static let insertSaleSQL = """
        INSERT OR IGNORE INTO sales (seq, id, store, terminal, cashier, at, at_ms, day, customer, subtotal, discount,
            total, points_earned, points_spent, rules_version, payments, points_expired) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        """
    /// A row of `sale_lines`, likewise.
    static let insertLineSQL = insertLinesSQL(rows: 1)

    /// `rows` rows of `sale_lines` in one INSERT, each bound as `insertLineSQL` binds one.
    static func insertLinesSQL(rows: Int) -> String {
        "INSERT OR IGNORE INTO sale_lines (sale_seq, line, sku, qty, price, amount, discount, category, rules) VALUES "
            + Array(repeating: "(?,?,?,?,?,?,?,?,?)", count: rows).joined(separator: ",")
    }

    /// The rows of the record journaled at `seq`, from its payload: a sale's by `sales`
    /// without decoding it, any other event's decoded.
    static func insert(seq: UInt64, payload: UnsafeRawBufferPointer, sales: inout SaleRows, into db: Database) throws {
        var reader = BinaryReader(payload)
        let version = try reader.readByte()
        guard try reader.readByte() == LedgerEntryCodec.saleTag, version == 1 || version == LedgerEntryCodec.version else {
            try insert(try LedgerEntryCodec.decode(seq: seq, payload: payload), into: db)
            return
        }
        _ = try reader.readTimestamp()  // server time: a sale's row holds the till's
        try sales.insert(seq: seq, version: version, from: &reader, into: db)
        guard reader.isAtEnd else { throw DecodeError("trailing bytes after the event", offset: reader.offset) }
    }

    static func insert(_ entry: LedgerEntry, into db: Database) throws {
        switch entry.event {
        case .saleRegistered(let sale): try insert(sale, seq: entry.seq, into: db)
        case .returnRegistered(let record): try insert(record, seq: entry.seq, into: db)
        case .saleVoided(let record):
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO voids (seq, id, sale_id, terminal, cashier, at, at_ms, refund, reason) VALUES (?,?,?,?,?,?,?,?,?)
                """).execute(arguments: [Int64(entry.seq), record.id, record.sale, record.terminal, record.cashier,
                                         record.at.description, record.at.epochMilliseconds, record.refund, record.reason])
        case .customerEnrolled(let customer):
            try insert(customer, seq: entry.seq, into: db)
        case .saleImported(let record):
            if let customer = record.enrolled { try insert(customer, seq: entry.seq, into: db) }
            try insert(record, seq: entry.seq, into: db)
        case .audited(let record):
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO audit (seq, at, actor, role, action, subject) VALUES (?,?,?,?,?,?)")
                .execute(arguments: [Int64(entry.seq), entry.at.description, record.actor, record.role, record.action, record.subject])
        case .rulesReplaced(let record):
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO rules (version, seq, at, by, document) VALUES (?,?,?,?,?)")
                .execute(arguments: [Int64(record.version), Int64(entry.seq), entry.at.description, record.by, record.document])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO audit (seq, at, actor, role, action, subject) VALUES (?,?,?,?,?,?)")
                .execute(arguments: [Int64(entry.seq), entry.at.description, record.by, "admin", "rules.replace", "rules:v\(record.version)"])
        case .productsUpserted, .shiftOpened, .shiftClosed:
            break
        }
    }

    /// A directory row: what staff search and analytics (source, enrolment day) read.
    private static func insert(_ customer: Customer, seq: UInt64, into db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO directory (card, phone_digits, name, name_folded, seq, source, enrolled_day, birthdate)
            VALUES (?,?,?,?,?,?,?,?)
            """).execute(arguments: [customer.card.description, Directory.digits(customer.phone), customer.name,
                                     Directory.fold(customer.name), Int64(seq), customer.source,
                                     Int64(customer.enrolledAt.localDay), customer.birthdate?.description])
    }

    /// An imported receipt: a `sales` row like a till's sale (no discount, no points, rules
    /// version 0, payments `import`, cashier empty) and its lines when the file gave them.
    private static func insert(_ record: ImportedSaleRecord, seq: UInt64, into db: Database) throws {
        let sale = record.sale
        var row = RowInsert(try db.cachedStatement(sql: insertSaleSQL), in: db)
        row.int(Int64(seq)); row.text(sale.id); row.text(sale.store); row.text(sale.terminal); row.text("")
        row.text(sale.at.description); row.int(sale.at.epochMilliseconds); row.int(Int64(sale.at.localDay))
        row.text(sale.customer?.description); row.int(sale.total); row.int(0); row.int(sale.total)
        row.int(0); row.int(0); row.int(0); row.text("import"); row.int(0)
        try row.run()
        let line = try db.cachedStatement(sql: insertLineSQL)
        for (index, (item, category)) in zip(sale.lines, record.categories).enumerated() {
            var row = RowInsert(line, in: db)
            row.int(Int64(seq)); row.int(index); row.text(item.sku.code); row.int(item.qty.thousandths)
            row.int(item.price); row.int(item.amount ?? 0); row.int(0); row.text(category); row.text("")
            try row.run()
        }
    }

    private static func insert(_ sale: SaleRecord, seq: UInt64, into db: Database) throws {
        let payments = sale.payments.map { "\($0.method)=\($0.amount)" }.joined(separator: ";")
        var row = RowInsert(try db.cachedStatement(sql: insertSaleSQL), in: db)
        row.int(Int64(seq)); row.text(sale.id); row.text(sale.store); row.text(sale.terminal); row.text(sale.cashier)
        row.text(sale.at.description); row.int(sale.at.epochMilliseconds); row.int(Int64(sale.at.localDay))
        row.text(sale.customer?.description); row.int(sale.subtotal); row.int(sale.discount); row.int(sale.total)
        row.int(sale.pointsEarned); row.int(sale.pointsSpent); row.int(Int64(sale.rulesVersion)); row.text(payments)
        row.int(sale.pointsExpired)
        try row.run()
        let line = try db.cachedStatement(sql: insertLineSQL)
        for (index, sold) in sale.lines.enumerated() {
            var row = RowInsert(line, in: db)
            row.int(Int64(seq)); row.int(index); row.text(sold.line.sku.code); row.int(sold.line.qty.thousandths)
            row.int(sold.line.price); row.int(sold.priced.amount); row.int(sold.priced.discount); row.text(sold.priced.category)
            row.text(sold.priced.rules.joined(separator: ","))
            try row.run()
        }
    }

    private static func insert(_ record: ReturnRecord, seq: UInt64, into db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO returns (seq, id, sale_id, store, terminal, cashier, at, at_ms, refund,
                points_earned_reversed, points_spent_restored) VALUES (?,?,?,?,?,?,?,?,?,?,?)
            """).execute(arguments: [
                Int64(seq), record.id, record.sale, record.store, record.terminal, record.cashier, record.at.description,
                record.at.epochMilliseconds, record.refund, record.pointsEarnedReversed, record.pointsSpentRestored,
            ])
        let line = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO return_lines (return_seq, line, sale_line, sku, qty, refund) VALUES (?,?,?,?,?,?)
            """)
        for (index, returned) in record.lines.enumerated() {
            try line.execute(arguments: [Int64(seq), index, returned.saleLine, returned.sku.code, returned.qty.thousandths, returned.refund])
        }
    }
}
