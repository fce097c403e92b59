import Foundation
import GRDB

/// The SQLite baseline: the same tables and rules as ``PostgresTarget`` in one database file in a
/// temporary directory, on the system's libsqlite3, with the write-ahead log synced on every
/// commit (`journal_mode=WAL`, `synchronous=FULL`) and one write transaction per receipt.
///
/// SQLite has one writer, so every session shares the one `DatabaseQueue`; its async `read` and
/// `write` wait for the queue without holding a thread of Swift's cooperative pool.
public final class SQLiteTarget: LoadTarget {
    public let name = "sqlite"
    public let summary: String
    /// The temporary directory that holds the database file and its log.
    public let directory: URL
    private let queue: DatabaseQueue

    /// Rows per write transaction when loading the catalog and the members.
    static let loadChunkRows = 10_000

    private init(directory: URL, queue: DatabaseQueue, version: String) {
        self.directory = directory
        self.queue = queue
        summary = "SQLite \(version) (system library), WAL, synchronous=FULL, one transaction per receipt"
    }

    /// Creates the database in a new temporary directory, with the empty schema.
    public static func start() async throws -> SQLiteTarget {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-sqlite-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        do {
            var configuration = Configuration()
            // Per connection, so it is set where GRDB opens one.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let queue = try DatabaseQueue(path: directory.appendingPathComponent("kassa.sqlite").path, configuration: configuration)
            let version = try await queue.writeWithoutTransaction { db in
                // The journal mode is kept in the file: set once, it holds for every later connection.
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode == "wal" else {
                    throw DatabaseError(message: "SQLite refused journal_mode=WAL (it answered \(mode ?? "nothing"))")
                }
                try db.execute(sql: SQLiteSchema.create)
                return try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "3"
            }
            return SQLiteTarget(directory: directory, queue: queue, version: version)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Loads the catalog and the members in transactions of `loadChunkRows` rows.
    public func prepare(_ workload: Workload, progress: @escaping @Sendable (Int, Int) -> Void) async throws {
        let products = workload.catalog.products
        let members = workload.members
        let total = products.count + members.count
        let enrolledAt = Date().formatted(.iso8601)
        for start in stride(from: 0, to: products.count, by: Self.loadChunkRows) {
            let end = min(products.count, start + Self.loadChunkRows)
            try await queue.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO products (sku, name, category, price, weighed, never_discounted) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for product in products[start..<end] {
                    try insert.execute(arguments: [product.sku, product.name, product.category, product.price, product.weighed,
                                                   product.neverDiscounted])
                }
            }
            progress(end, total)
        }
        for start in stride(from: 0, to: members.count, by: Self.loadChunkRows) {
            let end = min(members.count, start + Self.loadChunkRows)
            try await queue.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO customers (card, phone, name, birthdate, source, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for index in start..<end {
                    let member = members.member(index)
                    try insert.execute(arguments: [member.card, member.phone, member.name, member.birthdate, member.source, enrolledAt])
                }
            }
            progress(products.count + end, total)
        }
        try await queue.writeWithoutTransaction { db in try db.execute(sql: "ANALYZE") }
        progress(total, total)
    }

    public func openSession() async throws -> any LoadSession {
        SQLiteSession(queue: queue)
    }

    /// Counted in SQL by the same query as PostgreSQL's.
    public func totals() async throws -> SystemTotals {
        try await queue.read { db in
            guard let row = try Row.fetchOne(db, sql: SQLiteSchema.totals) else { return SystemTotals() }
            return SystemTotals(receipts: row[0], revenue: row[1], pointsEarned: row[2], pointsSpent: 0, returns: row[3], voids: row[4])
        }
    }

    public func shutdown() async {
        do {
            try queue.close()
            try FileManager.default.removeItem(at: directory)
        } catch {
            // `shutdown` cannot throw; files left behind must not go unnoticed.
            FileHandle.standardError.write(Data("kassa loadtest: could not close or remove \(directory.path): \(error)\n".utf8))
        }
    }
}

/// A worker's view of the one SQLite database: every call waits its turn on the shared queue.
final class SQLiteSession: LoadSession {
    private let queue: DatabaseQueue

    init(queue: DatabaseQueue) {
        self.queue = queue
    }

    func quote(_ sale: SaleDraft, at: String) async throws -> Int64 {
        try await queue.read { db in
            try BaselineRules.check(sale)
            let price = try db.cachedStatement(sql: "SELECT price FROM products WHERE sku = ?")
            var prices: [String: Int64] = [:]
            for sku in Set(sale.lines.map(\.sku)) {
                if let found = try Int64.fetchOne(price, arguments: [sku]) { prices[sku] = found }
            }
            if let card = sale.customer {
                let customer = try db.cachedStatement(sql: "SELECT card, points, visits, spend, birthdate FROM customers WHERE card = ?")
                guard try Row.fetchOne(customer, arguments: [card]) != nil else { throw BaselineRules.unknownCustomer(card) }
            }
            return try BaselineRules.subtotal(of: sale, prices: prices)
        }
    }

    func sale(_ sale: SaleDraft, at: String, payment: Int64?) async throws -> SaleOutcome {
        try await queue.write { db in try SQLiteSession.registerSale(sale, at: at, payment: payment, in: db) }
    }

    func saleReturn(_ draft: ReturnDraft, at: String) async throws -> RefundOutcome {
        try await queue.write { db in try SQLiteSession.registerReturn(draft, at: at, in: db) }
    }

    func void(_ draft: VoidDraft, at: String) async throws -> RefundOutcome {
        try await queue.write { db in try SQLiteSession.registerVoid(draft, at: at, in: db) }
    }

    func lookup(card: String) async throws {
        try await queue.read { db in
            let customer = try db.cachedStatement(sql: """
                SELECT card, phone, name, birthdate, source, enrolled_at, visits, spend, points, last_visit FROM customers WHERE card = ?
                """)
            guard try Row.fetchOne(customer, arguments: [card]) != nil else { throw BaselineRules.unknownCustomer(card) }
            let receipts = try db.cachedStatement(sql: "SELECT id, at, total, voided FROM receipts WHERE customer = ? ORDER BY at DESC LIMIT 20")
            _ = try Row.fetchAll(receipts, arguments: [card])
        }
    }

    func closeShift(store: String, terminal: String) async throws {
        try await queue.write { db in
            let count = try db.cachedStatement(sql: """
                SELECT count(*), coalesce(sum(total), 0) FROM receipts WHERE store = ? AND terminal = ? AND shift_closed = 0
                """)
            guard let counted = try Row.fetchOne(count, arguments: [store, terminal]) else { return }
            try db.cachedStatement(sql: "UPDATE receipts SET shift_closed = 1 WHERE store = ? AND terminal = ? AND shift_closed = 0")
                .execute(arguments: [store, terminal])
            try db.cachedStatement(sql: """
                INSERT INTO shifts (store, terminal, closed_at, receipts, total)
                VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?)
                """).execute(arguments: [store, terminal, counted[0] as Int64, counted[1] as Int64])
        }
    }

    func close() async {}

    // MARK: - The work, inside one write transaction

    static func registerSale(_ sale: SaleDraft, at: String, payment: Int64?, in db: Database) throws -> SaleOutcome {
        let total = try BaselineRules.total(of: sale, payment: payment)
        let points = BaselineRules.pointsEarned(total: total, carded: sale.customer != nil)
        try db.cachedStatement(sql: """
            INSERT INTO receipts (id, store, terminal, cashier, at, customer, subtotal, total, points_earned)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
            """).execute(arguments: [sale.id, sale.store, sale.terminal, sale.cashier, at, sale.customer, sale.subtotal, total, points])
        guard db.changesCount == 1 else {
            let stored = try db.cachedStatement(sql: "SELECT total, points_earned FROM receipts WHERE id = ?")
            guard let row = try Row.fetchOne(stored, arguments: [sale.id]) else {
                throw DatabaseError(message: "sale \(sale.id) was neither inserted nor found")
            }
            return SaleOutcome(total: row[0], pointsEarned: row[1], replayed: true)
        }
        let line = try db.cachedStatement(sql: """
            INSERT INTO receipt_lines (receipt_id, line_no, sku, qty_thousandths, price, amount, category) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, draft) in sale.lines.enumerated() {
            try line.execute(arguments: [sale.id, index + 1, draft.sku, draft.qty, draft.price, draft.amount, draft.category])
        }
        if let card = sale.customer {
            try db.cachedStatement(sql: """
                UPDATE customers SET visits = visits + 1, spend = spend + ?, points = points + ?, last_visit = ? WHERE card = ?
                """).execute(arguments: [total, points, at, card])
            guard db.changesCount == 1 else { throw BaselineRules.unknownCustomer(card) }
        }
        return SaleOutcome(total: total, pointsEarned: points)
    }

    static func registerReturn(_ draft: ReturnDraft, at: String, in db: Database) throws -> RefundOutcome {
        try BaselineRules.check(draft)
        guard let sale = try Row.fetchOne(try saleState(db), arguments: [draft.sale]) else { throw BaselineRules.unknownSale(draft.sale) }
        if let refund = try Int64.fetchOne(db.cachedStatement(sql: "SELECT refund FROM returns WHERE id = ?"), arguments: [draft.id]) {
            return RefundOutcome(refund: refund, replayed: true)
        }
        guard !(sale[0] as Bool) else { throw BaselineRules.saleVoided(draft.sale) }
        let skus = Set(draft.lines.map(\.sku))
        let lines = try db.cachedStatement(sql: """
            SELECT line_no, sku, qty_thousandths, price, returned FROM receipt_lines WHERE receipt_id = ? ORDER BY line_no
            """)
        let sold = try Row.fetchAll(lines, arguments: [draft.sale]).compactMap { row -> BaselineRules.SoldLine? in
            let sku: String = row[1]
            guard skus.contains(sku) else { return nil }
            return BaselineRules.SoldLine(lineNo: row[0], sku: sku, qty: row[2], price: row[3], returned: row[4])
        }
        let allocation = try BaselineRules.allocate(draft.lines, against: sold, sale: draft.sale)
        let apply = try db.cachedStatement(sql: "UPDATE receipt_lines SET returned = returned + ? WHERE receipt_id = ? AND line_no = ?")
        for (lineNo, qty) in zip(allocation.lineNos, allocation.quantities) {
            try apply.execute(arguments: [qty, draft.sale, lineNo])
        }
        try db.cachedStatement(sql: "INSERT INTO returns (id, sale, at, refund) VALUES (?, ?, ?, ?)")
            .execute(arguments: [draft.id, draft.sale, at, allocation.refund])
        if let card = sale[1] as String? {
            try takeBack(card: card, visits: 0, refund: allocation.refund, points: 0, in: db)
        }
        return RefundOutcome(refund: allocation.refund)
    }

    static func registerVoid(_ draft: VoidDraft, at: String, in db: Database) throws -> RefundOutcome {
        guard let sale = try Row.fetchOne(try saleState(db), arguments: [draft.sale]) else { throw BaselineRules.unknownSale(draft.sale) }
        let stored = try db.cachedStatement(sql: "SELECT refund, points_reversed FROM voids WHERE id = ?")
        if let row = try Row.fetchOne(stored, arguments: [draft.id]) {
            return RefundOutcome(refund: row[0], pointsEarnedReversed: row[1], replayed: true)
        }
        guard !(sale[0] as Bool) else { throw BaselineRules.saleVoided(draft.sale) }
        let returns = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM receipt_lines WHERE receipt_id = ? AND returned > 0)")
        guard try Bool.fetchOne(returns, arguments: [draft.sale]) != true else { throw BaselineRules.saleHasReturns(draft.sale) }
        let total: Int64 = sale[2], points: Int64 = sale[3]
        try db.cachedStatement(sql: "UPDATE receipts SET voided = 1 WHERE id = ?").execute(arguments: [draft.sale])
        try db.cachedStatement(sql: "INSERT INTO voids (id, sale, at, refund, points_reversed) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [draft.id, draft.sale, at, total, points])
        if let card = sale[1] as String? {
            try takeBack(card: card, visits: 1, refund: total, points: points, in: db)
        }
        return RefundOutcome(refund: total, pointsEarnedReversed: points)
    }

    private static func saleState(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "SELECT voided, customer, total, points_earned FROM receipts WHERE id = ?")
    }

    private static func takeBack(card: String, visits: Int, refund: Int64, points: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE customers SET visits = visits - ?, spend = spend - ?, points = points - ? WHERE card = ?")
            .execute(arguments: [visits, refund, points, card])
    }
}

/// The tables of the SQLite baseline: PostgreSQL's, in SQLite's types (times as RFC 3339 text).
enum SQLiteSchema {
    static let create = """
        CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price INTEGER NOT NULL,
                               weighed INTEGER NOT NULL, never_discounted INTEGER NOT NULL);
        CREATE TABLE customers (card TEXT PRIMARY KEY, phone TEXT NOT NULL, name TEXT NOT NULL, birthdate TEXT, source TEXT NOT NULL,
                                enrolled_at TEXT NOT NULL, visits INTEGER NOT NULL DEFAULT 0, spend INTEGER NOT NULL DEFAULT 0,
                                points INTEGER NOT NULL DEFAULT 0, last_visit TEXT);
        CREATE TABLE receipts (id TEXT PRIMARY KEY, store TEXT NOT NULL, terminal TEXT NOT NULL, cashier TEXT NOT NULL,
                               at TEXT NOT NULL, customer TEXT, subtotal INTEGER NOT NULL, total INTEGER NOT NULL,
                               points_earned INTEGER NOT NULL, voided INTEGER NOT NULL DEFAULT 0,
                               shift_closed INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX receipts_by_customer ON receipts (customer, at);
        CREATE INDEX receipts_open_shift ON receipts (store, terminal) WHERE shift_closed = 0;
        CREATE TABLE receipt_lines (receipt_id TEXT NOT NULL, line_no INTEGER NOT NULL, sku TEXT NOT NULL,
                                    qty_thousandths INTEGER NOT NULL, price INTEGER NOT NULL, amount INTEGER NOT NULL,
                                    category TEXT NOT NULL, returned INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (receipt_id, line_no));
        CREATE TABLE returns (id TEXT PRIMARY KEY, sale TEXT NOT NULL, at TEXT NOT NULL, refund INTEGER NOT NULL);
        CREATE TABLE voids (id TEXT PRIMARY KEY, sale TEXT NOT NULL, at TEXT NOT NULL, refund INTEGER NOT NULL,
                            points_reversed INTEGER NOT NULL);
        CREATE TABLE shifts (store TEXT NOT NULL, terminal TEXT NOT NULL, closed_at TEXT NOT NULL, receipts INTEGER NOT NULL,
                             total INTEGER NOT NULL);
        """

    /// The same query as PostgreSQL's, so that both baselines count alike.
    static let totals = PostgresSchema.totals
}
