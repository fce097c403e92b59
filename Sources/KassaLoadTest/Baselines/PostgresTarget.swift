import CLibPQ
import Foundation
import Synchronization

/// The PostgreSQL baseline: the same sales, returns and voids that Kassa registers, done the way
/// a conventional till back end would, with one SQL transaction per receipt on a server that
/// answers only when the commit is durable (`synchronous_commit=on`, `fsync=on`).
///
/// `start()` starts a throwaway server of its own (``PostgresCluster``) and creates the schema;
/// `shutdown()` stops the server and removes its files. Each session is one libpq connection
/// driven on a thread of its own, so that waiting on the server never holds a thread of Swift's
/// cooperative pool.
///
/// The rules are those of ``BaselineRules``: no discounts, 1 point per 100.00 on carded sales,
/// a repeated sale, return or void id answers the stored result as a replay.
public final class PostgresTarget: LoadTarget {
    public let name = "postgres"
    public let summary: String
    /// The server this target started and stops.
    public let cluster: PostgresCluster
    /// Loads the data and reads the totals; never used by a worker.
    private let admin: PostgresSession
    private let sessions = Mutex<[PostgresSession]>([])

    private init(cluster: PostgresCluster, admin: PostgresSession) {
        self.cluster = cluster
        self.admin = admin
        summary = "\(cluster.productName), one transaction per receipt, synchronous_commit=on, fsync=on"
    }

    /// Starts a server and creates the empty schema. On failure nothing is left running.
    public static func start(settings: PostgresCluster.Settings = PostgresCluster.Settings()) async throws -> PostgresTarget {
        let cluster = try await PostgresCluster.start(settings: settings)
        do {
            let admin = try await PostgresSession.open(cluster.connectionString, threadName: "kassa-pg-admin", preparing: false)
            do {
                try await admin.perform { db in try db.execute(PostgresSchema.create) }
            } catch {
                await admin.close()
                throw error
            }
            return PostgresTarget(cluster: cluster, admin: admin)
        } catch {
            try? await cluster.stop()
            throw error
        }
    }

    /// Loads the catalog and the members with COPY, then has the planner analyse them. Once per
    /// target: a second load of the same workload would repeat its keys.
    public func prepare(_ workload: Workload, progress: @escaping @Sendable (Int, Int) -> Void) async throws {
        let products = workload.catalog.products
        let members = workload.members
        let total = products.count + members.count
        try await admin.perform { db in
            try db.copyIn("COPY products (sku, name, category, price, weighed, never_discounted) FROM STDIN", rows: products.count,
                          row: { index in
                              let product = products[index]
                              return PostgresText.copyRow([product.sku, product.name, product.category, String(product.price),
                                                           product.weighed ? "t" : "f", product.neverDiscounted ? "t" : "f"])
                          },
                          progress: { done in progress(done, total) })
            try db.copyIn("COPY customers (card, phone, name, birthdate, source) FROM STDIN", rows: members.count,
                          row: { index in
                              let member = members.member(index)
                              return PostgresText.copyRow([member.card, member.phone, member.name, member.birthdate, member.source])
                          },
                          progress: { done in progress(products.count + done, total) })
            try db.execute("ANALYZE")
        }
        progress(total, total)
    }

    public func openSession() async throws -> any LoadSession {
        let session = try await PostgresSession.open(cluster.connectionString, threadName: "kassa-pg-session", preparing: true)
        sessions.withLock { $0.append(session) }
        return session
    }

    /// Counted in SQL from the tables: receipts ever registered, their totals less every refund,
    /// points earned less those taken back by voids.
    public func totals() async throws -> SystemTotals {
        try await admin.perform { db in
            let rows = try db.execute(PostgresSchema.totals)
            return SystemTotals(receipts: try rows.int64(0, 0), revenue: try rows.int64(0, 1), pointsEarned: try rows.int64(0, 2),
                                pointsSpent: 0, returns: try rows.int64(0, 3), voids: try rows.int64(0, 4))
        }
    }

    public func shutdown() async {
        let open = sessions.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for session in open { await session.close() }
        await admin.close()
        do {
            try await cluster.stop()
        } catch {
            // `shutdown` cannot throw; a server left running must not go unnoticed.
            FileHandle.standardError.write(Data("kassa loadtest: \(error)\n".utf8))
        }
    }
}

/// One worker's connection: each call runs on the session's own thread and resumes the caller
/// with the answer.
final class PostgresSession: LoadSession {
    private let thread: ConnectionThread
    private let connection: PostgresConnection
    private let closed = Mutex(false)

    private init(thread: ConnectionThread, connection: PostgresConnection) {
        self.thread = thread
        self.connection = connection
    }

    /// Connects on a new thread; with `preparing`, prepares every statement of the workload.
    static func open(_ conninfo: String, threadName: String, preparing: Bool) async throws -> PostgresSession {
        let thread = ConnectionThread(name: threadName)
        do {
            let connection = try await thread.perform {
                let connection = try PostgresConnection(conninfo: conninfo)
                if preparing {
                    for statement in PostgresStatement.allCases { try connection.prepare(statement.rawValue, statement.sql) }
                }
                return connection
            }
            return PostgresSession(thread: thread, connection: connection)
        } catch {
            thread.finish()
            throw error
        }
    }

    /// Runs `body` with the connection on the session's thread.
    @discardableResult
    func perform<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let connection = self.connection
        return try await thread.perform { try body(connection) }
    }

    func quote(_ sale: SaleDraft, at: String) async throws -> Int64 {
        try await perform { db in try PostgresSession.quote(sale, on: db) }
    }

    func sale(_ sale: SaleDraft, at: String, payment: Int64?) async throws -> SaleOutcome {
        try await perform { db in try PostgresSession.registerSale(sale, at: at, payment: payment, on: db) }
    }

    func saleReturn(_ draft: ReturnDraft, at: String) async throws -> RefundOutcome {
        try await perform { db in try PostgresSession.registerReturn(draft, at: at, on: db) }
    }

    func void(_ draft: VoidDraft, at: String) async throws -> RefundOutcome {
        try await perform { db in try PostgresSession.registerVoid(draft, at: at, on: db) }
    }

    func lookup(card: String) async throws {
        try await perform { db in
            guard try db.run(.lookupCustomer, [card]).count == 1 else { throw BaselineRules.unknownCustomer(card) }
            _ = try db.run(.lookupReceipts, [card])
        }
    }

    func closeShift(store: String, terminal: String) async throws {
        try await perform { db in _ = try db.run(.closeShift, [store, terminal]) }
    }

    func close() async {
        guard closed.withLock({ old in defer { old = true }; return !old }) else { return }
        _ = try? await perform { db in db.close() }
        thread.finish()
    }

    // MARK: - The work, on the session's thread

    static func quote(_ sale: SaleDraft, on db: PostgresConnection) throws -> Int64 {
        try BaselineRules.check(sale)
        let rows = try db.run(.quotePrices, [PostgresText.array(Array(Set(sale.lines.map(\.sku))))])
        var prices: [String: Int64] = [:]
        for row in 0..<rows.count { prices[try rows.text(row, 0)] = try rows.int64(row, 1) }
        if let card = sale.customer, try db.run(.quoteCustomer, [card]).count != 1 { throw BaselineRules.unknownCustomer(card) }
        return try BaselineRules.subtotal(of: sale, prices: prices)
    }

    static func registerSale(_ sale: SaleDraft, at: String, payment: Int64?, on db: PostgresConnection) throws -> SaleOutcome {
        let total = try BaselineRules.total(of: sale, payment: payment)
        let points = BaselineRules.pointsEarned(total: total, carded: sale.customer != nil)
        return try db.transaction {
            let inserted = try db.run(.saleInsert, [sale.id, sale.store, sale.terminal, sale.cashier, at, sale.customer,
                                                   String(sale.subtotal), String(total), String(points)])
            guard inserted.affected == 1 else {
                let stored = try db.run(.saleStored, [sale.id])
                return SaleOutcome(total: try stored.int64(0, 0), pointsEarned: try stored.int64(0, 1), replayed: true)
            }
            try db.run(.saleLines, [sale.id, PostgresText.array(sale.lines.indices.map { $0 + 1 }), PostgresText.array(sale.lines.map(\.sku)),
                                    PostgresText.array(sale.lines.map(\.qty)), PostgresText.array(sale.lines.map(\.price)),
                                    PostgresText.array(sale.lines.map(\.amount)), PostgresText.array(sale.lines.map(\.category))])
            if let card = sale.customer {
                guard try db.run(.customerVisit, [card, String(total), String(points), at]).affected == 1 else {
                    throw BaselineRules.unknownCustomer(card)
                }
            }
            return SaleOutcome(total: total, pointsEarned: points)
        }
    }

    static func registerReturn(_ draft: ReturnDraft, at: String, on db: PostgresConnection) throws -> RefundOutcome {
        try BaselineRules.check(draft)
        return try db.transaction {
            // Locking the sale first puts returns and voids of one sale in a line, replays included.
            let sale = try db.run(.saleLock, [draft.sale])
            guard sale.count == 1 else { throw BaselineRules.unknownSale(draft.sale) }
            let stored = try db.run(.returnStored, [draft.id])
            if stored.count == 1 { return RefundOutcome(refund: try stored.int64(0, 0), replayed: true) }
            guard try !sale.bool(0, 0) else { throw BaselineRules.saleVoided(draft.sale) }
            let rows = try db.run(.returnLines, [draft.sale, PostgresText.array(Array(Set(draft.lines.map(\.sku))))])
            let sold = try (0..<rows.count).map { row in
                BaselineRules.SoldLine(lineNo: Int(try rows.int64(row, 0)), sku: try rows.text(row, 1), qty: try rows.int64(row, 2),
                                       price: try rows.int64(row, 3), returned: try rows.int64(row, 4))
            }
            let allocation = try BaselineRules.allocate(draft.lines, against: sold, sale: draft.sale)
            try db.run(.returnApply, [draft.sale, PostgresText.array(allocation.lineNos), PostgresText.array(allocation.quantities)])
            try db.run(.returnInsert, [draft.id, draft.sale, at, String(allocation.refund)])
            if let card = try sale.optionalText(0, 1) {
                try db.run(.customerTakeBack, [card, "0", String(allocation.refund), "0"])
            }
            return RefundOutcome(refund: allocation.refund)
        }
    }

    static func registerVoid(_ draft: VoidDraft, at: String, on db: PostgresConnection) throws -> RefundOutcome {
        try db.transaction {
            let sale = try db.run(.saleLock, [draft.sale])
            guard sale.count == 1 else { throw BaselineRules.unknownSale(draft.sale) }
            let stored = try db.run(.voidStored, [draft.id])
            if stored.count == 1 {
                return RefundOutcome(refund: try stored.int64(0, 0), pointsEarnedReversed: try stored.int64(0, 1), replayed: true)
            }
            guard try !sale.bool(0, 0) else { throw BaselineRules.saleVoided(draft.sale) }
            guard try !db.run(.saleHasReturns, [draft.sale]).bool(0, 0) else { throw BaselineRules.saleHasReturns(draft.sale) }
            let total = try sale.int64(0, 2), points = try sale.int64(0, 3)
            try db.run(.voidMark, [draft.sale])
            try db.run(.voidInsert, [draft.id, draft.sale, at, String(total), String(points)])
            if let card = try sale.optionalText(0, 1) {
                try db.run(.customerTakeBack, [card, "1", String(total), String(points)])
            }
            return RefundOutcome(refund: total, pointsEarnedReversed: points)
        }
    }
}

/// The tables of the PostgreSQL baseline, and the one query of its totals.
enum PostgresSchema {
    static let create = """
        CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL, category text NOT NULL, price bigint NOT NULL,
                               weighed boolean NOT NULL, never_discounted boolean NOT NULL);
        CREATE TABLE customers (card text PRIMARY KEY, phone text NOT NULL, name text NOT NULL, birthdate date, source text NOT NULL,
                                enrolled_at timestamptz NOT NULL DEFAULT now(), visits int NOT NULL DEFAULT 0,
                                spend bigint NOT NULL DEFAULT 0, points bigint NOT NULL DEFAULT 0, last_visit timestamptz);
        -- points_earned is kept so that a replay answers what the sale answered; shift_closed marks
        -- the receipts a Z-report has counted.
        CREATE TABLE receipts (id text PRIMARY KEY, store text NOT NULL, terminal text NOT NULL, cashier text NOT NULL,
                               at timestamptz NOT NULL, customer text, subtotal bigint NOT NULL, total bigint NOT NULL,
                               points_earned bigint NOT NULL, voided boolean NOT NULL DEFAULT false,
                               shift_closed boolean NOT NULL DEFAULT false);
        CREATE INDEX receipts_by_customer ON receipts (customer, at);
        CREATE INDEX receipts_open_shift ON receipts (store, terminal) WHERE NOT shift_closed;
        CREATE TABLE receipt_lines (receipt_id text NOT NULL, line_no int NOT NULL, sku text NOT NULL, qty_thousandths bigint NOT NULL,
                                    price bigint NOT NULL, amount bigint NOT NULL, category text NOT NULL,
                                    returned bigint NOT NULL DEFAULT 0, PRIMARY KEY (receipt_id, line_no));
        CREATE TABLE returns (id text PRIMARY KEY, sale text NOT NULL, at timestamptz NOT NULL, refund bigint NOT NULL);
        CREATE TABLE voids (id text PRIMARY KEY, sale text NOT NULL, at timestamptz NOT NULL, refund bigint NOT NULL,
                            points_reversed bigint NOT NULL);
        CREATE TABLE shifts (store text NOT NULL, terminal text NOT NULL, closed_at timestamptz NOT NULL, receipts bigint NOT NULL,
                             total bigint NOT NULL);
        """

    static let totals = """
        SELECT (SELECT count(*) FROM receipts),
               (SELECT coalesce(sum(total), 0) FROM receipts) - (SELECT coalesce(sum(refund), 0) FROM returns)
                   - (SELECT coalesce(sum(refund), 0) FROM voids),
               (SELECT coalesce(sum(points_earned), 0) FROM receipts) - (SELECT coalesce(sum(points_reversed), 0) FROM voids),
               (SELECT count(*) FROM returns),
               (SELECT count(*) FROM voids)
        """
}

/// The prepared statements of a session; the raw value is the statement's name on the server.
enum PostgresStatement: String, CaseIterable {
    case quotePrices = "quote_prices", quoteCustomer = "quote_customer"
    case saleInsert = "sale_insert", saleStored = "sale_stored", saleLines = "sale_lines", customerVisit = "customer_visit"
    case saleLock = "sale_lock", saleHasReturns = "sale_has_returns", customerTakeBack = "customer_take_back"
    case returnStored = "return_stored", returnLines = "return_lines", returnApply = "return_apply", returnInsert = "return_insert"
    case voidStored = "void_stored", voidMark = "void_mark", voidInsert = "void_insert"
    case lookupCustomer = "lookup_customer", lookupReceipts = "lookup_receipts", closeShift = "close_shift"

    var sql: String {
        switch self {
        case .quotePrices: "SELECT sku, price FROM products WHERE sku = ANY($1::text[])"
        case .quoteCustomer: "SELECT card, points, visits, spend, birthdate FROM customers WHERE card = $1"
        case .saleInsert:
            """
            INSERT INTO receipts (id, store, terminal, cashier, at, customer, subtotal, total, points_earned)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING
            """
        case .saleStored: "SELECT total, points_earned FROM receipts WHERE id = $1"
        case .saleLines:
            """
            INSERT INTO receipt_lines (receipt_id, line_no, sku, qty_thousandths, price, amount, category)
            SELECT $1, n, s, q, p, a, c FROM unnest($2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[])
                AS t(n, s, q, p, a, c)
            """
        case .customerVisit:
            "UPDATE customers SET visits = visits + 1, spend = spend + $2, points = points + $3, last_visit = $4 WHERE card = $1"
        case .saleLock: "SELECT voided, customer, total, points_earned FROM receipts WHERE id = $1 FOR UPDATE"
        case .saleHasReturns: "SELECT EXISTS (SELECT 1 FROM receipt_lines WHERE receipt_id = $1 AND returned > 0)"
        case .customerTakeBack:
            "UPDATE customers SET visits = visits - $2::int, spend = spend - $3::bigint, points = points - $4::bigint WHERE card = $1"
        case .returnStored: "SELECT refund FROM returns WHERE id = $1"
        case .returnLines:
            """
            SELECT line_no, sku, qty_thousandths, price, returned FROM receipt_lines
            WHERE receipt_id = $1 AND sku = ANY($2::text[]) ORDER BY line_no
            """
        case .returnApply:
            """
            UPDATE receipt_lines AS l SET returned = l.returned + t.q FROM unnest($2::int[], $3::bigint[]) AS t(n, q)
            WHERE l.receipt_id = $1 AND l.line_no = t.n
            """
        case .returnInsert: "INSERT INTO returns (id, sale, at, refund) VALUES ($1, $2, $3, $4)"
        case .voidStored: "SELECT refund, points_reversed FROM voids WHERE id = $1"
        case .voidMark: "UPDATE receipts SET voided = true WHERE id = $1"
        case .voidInsert: "INSERT INTO voids (id, sale, at, refund, points_reversed) VALUES ($1, $2, $3, $4, $5)"
        case .lookupCustomer:
            "SELECT card, phone, name, birthdate, source, enrolled_at, visits, spend, points, last_visit FROM customers WHERE card = $1"
        case .lookupReceipts: "SELECT id, at, total, voided FROM receipts WHERE customer = $1 ORDER BY at DESC LIMIT 20"
        case .closeShift:
            // One statement, so one transaction: the receipts counted are exactly those marked.
            """
            WITH counted AS (UPDATE receipts SET shift_closed = true
                             WHERE store = $1::text AND terminal = $2::text AND NOT shift_closed RETURNING total)
            INSERT INTO shifts (store, terminal, closed_at, receipts, total)
            SELECT $1::text, $2::text, now(), count(*), coalesce(sum(total), 0) FROM counted
            """
        }
    }
}

/// Values in the text forms PostgreSQL reads: array literals for `unnest` and `ANY`, rows of COPY.
enum PostgresText {
    static func array(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    static func array<Number: BinaryInteger>(_ values: [Number]) -> String {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    /// One line of COPY's text format, newline included.
    static func copyRow(_ fields: [String]) -> String {
        fields.map { field in
            var escaped = ""
            for character in field.unicodeScalars {
                switch character {
                case "\\": escaped += "\\\\"
                case "\t": escaped += "\\t"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(character)
                }
            }
            return escaped
        }.joined(separator: "\t") + "\n"
    }
}

/// A thread of its own for one blocking libpq connection. Jobs run on it one at a time, in the
/// order they came, and each resumes its caller with the answer; waiting on the server then holds
/// this thread, never one of the cooperative pool's few.
final class ConnectionThread: @unchecked Sendable {
    /// A session serves one worker at a time, so more queued jobs than this means misuse.
    static let queuedJobsMax = 64
    // Guards `jobs` and `accepting`, which is what makes the class Sendable; the thread waits on it.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var accepting = true

    init(name: String) {
        let thread = Thread { [self] in self.serve() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the thread and answers what it returned or threw.
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let refused = enqueue { continuation.resume(with: Result(catching: body)) }
            if let refused { continuation.resume(throwing: refused) }
        }
    }

    /// Lets the queued jobs finish, then ends the thread. Later jobs are refused.
    func finish() {
        condition.lock()
        accepting = false
        condition.signal()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) -> PostgresError? {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else { return PostgresError(.closed, "the PostgreSQL session is closed") }
        guard jobs.count < Self.queuedJobsMax else {
            return PostgresError(.overloaded, "more than \(Self.queuedJobsMax) calls are waiting on one PostgreSQL session")
        }
        jobs.append(job)
        condition.signal()
        return nil
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && accepting { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// One libpq connection: the only place this module calls libpq. It is Sendable only because
/// its session's ``ConnectionThread`` is the one thread that ever uses it; libpq connections
/// must not be used from two threads at once.
final class PostgresConnection: @unchecked Sendable {
    private var handle: OpaquePointer?

    init(conninfo: String) throws {
        guard let handle = PQconnectdb(conninfo) else {
            throw PostgresError(.connection, "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(.connection, "could not connect (\(conninfo)): \(message)")
        }
        self.handle = handle
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Runs SQL without parameters: BEGIN, COMMIT, the schema (several statements are allowed).
    @discardableResult
    func execute(_ sql: String) throws -> PostgresRows {
        let handle = try open()
        return try take(PQexec(handle, sql), handle: handle, doing: sql.prefix(60))
    }

    /// Prepares a named statement; the server infers the parameters' types.
    func prepare(_ name: String, _ sql: String) throws {
        let handle = try open()
        _ = try take(PQprepare(handle, name, sql, 0, nil), handle: handle, doing: "PREPARE \(name)")
    }

    /// Runs a prepared statement with parameters in text form (nil is NULL).
    @discardableResult
    func run(_ statement: PostgresStatement, _ parameters: [String?]) throws -> PostgresRows {
        let handle = try open()
        let result = Self.withCStrings(parameters) { values in
            PQexecPrepared(handle, statement.rawValue, Int32(values.count), values, nil, nil, 0)
        }
        return try take(result, handle: handle, doing: statement.rawValue)
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when anything fails, and the failure is thrown on.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// COPY … FROM STDIN of `rows` lines made by `row`, sent in chunks; `progress` hears the
    /// rows sent so far after each chunk.
    func copyIn(_ sql: String, rows: Int, chunkRows: Int = 10_000, row: (Int) -> String, progress: (Int) -> Void) throws {
        let handle = try open()
        guard let started = PQexec(handle, sql) else { throw connectionError(handle, doing: sql) }
        let status = PQresultStatus(started)
        let startMessage = Self.text(PQresultErrorMessage(started))
        PQclear(started)
        guard status == PGRES_COPY_IN else { throw PostgresError(.statement, "\(sql): \(startMessage)") }
        var sent = 0
        var failure: PostgresError?
        while sent < rows, failure == nil {
            let end = min(rows, sent + chunkRows)
            var chunk = ""
            for index in sent..<end { chunk += row(index) }
            let accepted = chunk.withCString { PQputCopyData(handle, $0, Int32(chunk.utf8.count)) }
            if accepted != 1 { failure = connectionError(handle, doing: sql) }
            sent = end
            if failure == nil { progress(sent) }
        }
        _ = PQputCopyEnd(handle, failure == nil ? nil : "kassa loadtest gave up")
        // COPY ends with one result; read until libpq has none, so the connection is ready again.
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                failure = PostgresError(.statement, "\(sql): \(Self.text(PQresultErrorMessage(result)))")
            }
            PQclear(result)
        }
        if let failure { throw failure }
    }

    private func open() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(.closed, "the PostgreSQL connection is closed") }
        return handle
    }

    /// Turns a result into rows or an error, and frees it.
    private func take(_ result: OpaquePointer?, handle: OpaquePointer, doing what: some StringProtocol) throws -> PostgresRows {
        guard let result else { throw connectionError(handle, doing: what) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let code: PostgresError.Code = PQstatus(handle) == CONNECTION_OK ? .statement : .connection
            throw PostgresError(code, "\(what): \(Self.text(PQresultErrorMessage(result)))", sqlState: sqlState)
        }
        return PostgresRows(result)
    }

    private func connectionError(_ handle: OpaquePointer, doing what: some StringProtocol) -> PostgresError {
        PostgresError(.connection, "\(what): \(Self.text(PQerrorMessage(handle)))")
    }

    private static func text(_ message: UnsafeMutablePointer<CChar>?) -> String {
        message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "no message from libpq"
    }

    /// Calls `body` with C strings of `values` that live until it returns: all of them in one
    /// buffer, each NUL-terminated, so no pointer outlives the buffer it points into.
    private static func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var bytes: [CChar] = []
        var offsets: [Int?] = []
        for value in values {
            guard let value else {
                offsets.append(nil)
                continue
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: value.utf8CString)
        }
        return bytes.withUnsafeBufferPointer { buffer in
            body(offsets.map { offset in offset.flatMap { offset in buffer.baseAddress.map { UnsafePointer($0 + offset) } } })
        }
    }
}

/// A statement's answer, copied out of libpq's result: text values by row and column.
struct PostgresRows {
    var values: [[String?]]
    /// Rows inserted, updated or deleted (`PQcmdTuples`).
    var affected: Int

    init(_ result: OpaquePointer) {
        let rows = PQntuples(result), columns = PQnfields(result)
        values = (0..<rows).map { row in
            (0..<columns).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        affected = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    var count: Int { values.count }

    func optionalText(_ row: Int, _ column: Int) throws -> String? {
        guard row < values.count, column < values[row].count else {
            throw PostgresError(.statement, "the answer has no row \(row), column \(column)")
        }
        return values[row][column]
    }

    func text(_ row: Int, _ column: Int) throws -> String {
        guard let value = try optionalText(row, column) else {
            throw PostgresError(.statement, "row \(row), column \(column) is NULL where a value was expected")
        }
        return value
    }

    func int64(_ row: Int, _ column: Int) throws -> Int64 {
        let value = try text(row, column)
        guard let number = Int64(value) else { throw PostgresError(.statement, "\(value) is not a whole number") }
        return number
    }

    func bool(_ row: Int, _ column: Int) throws -> Bool {
        try text(row, column) == "t"
    }
}

/// The rules both baselines register by, so that they agree with each other and with the load
/// tool's arithmetic: no discounts; 1 point per 100.00 of a carded sale and none spent; a return
/// refunds the lines it takes back, never more than was paid for them; a void takes back the
/// whole sale and its points; refusals carry Kassa's statuses and codes.
enum BaselineRules {
    /// Lines on one receipt or return, as Kassa limits them.
    static let linesPerReceiptMax = 1_000
    /// Thousandths of a piece or a kilogram on one line (10 tonnes). With `priceMax`, no
    /// amount or total can overflow Int64.
    static let qtyThousandthsMax: Int64 = 10_000_000
    /// Minor units per piece or kilogram.
    static let priceMax: Int64 = 100_000_000_000
    /// Minor units of a sale's total per point earned: 1 point per 100.00.
    static let minorUnitsPerPoint: Int64 = 10_000

    /// `qty × price` rounded half-up to a minor unit, as `LineDraft.amount` and Kassa compute it.
    static func amount(qty: Int64, price: Int64) -> Int64 { (qty * price + 500) / 1000 }

    static func pointsEarned(total: Int64, carded: Bool) -> Int64 { carded ? total / minorUnitsPerPoint : 0 }

    static func check(_ sale: SaleDraft) throws {
        guard !sale.lines.isEmpty, sale.lines.count <= linesPerReceiptMax else {
            throw Refusal(status: 422, code: "invalid_field", message: "a sale needs 1–\(linesPerReceiptMax) lines")
        }
        for line in sale.lines {
            guard line.qty > 0, line.qty <= qtyThousandthsMax, line.price >= 0, line.price <= priceMax else {
                throw Refusal(status: 422, code: "invalid_field", message: "\(line.sku): quantity or price out of range")
            }
        }
    }

    /// The sale's total at the prices on its lines, checked against the payment when there is one.
    static func total(of sale: SaleDraft, payment: Int64?) throws -> Int64 {
        try check(sale)
        let total = sale.subtotal
        if let payment, payment != total {
            throw Refusal(status: 422, code: "payment_mismatch", message: "paid \(payment), the sale comes to \(total)")
        }
        return total
    }

    /// The basket at the catalog's prices.
    static func subtotal(of sale: SaleDraft, prices: [String: Int64]) throws -> Int64 {
        var subtotal: Int64 = 0
        for line in sale.lines {
            guard let price = prices[line.sku] else {
                throw Refusal(status: 422, code: "invalid_field", message: "\(line.sku) is not in the catalog")
            }
            subtotal += amount(qty: line.qty, price: price)
        }
        return subtotal
    }

    static func check(_ draft: ReturnDraft) throws {
        guard !draft.lines.isEmpty, draft.lines.count <= linesPerReceiptMax else {
            throw Refusal(status: 422, code: "invalid_field", message: "a return needs 1–\(linesPerReceiptMax) lines")
        }
        for line in draft.lines where line.qty <= 0 || line.qty > qtyThousandthsMax {
            throw Refusal(status: 422, code: "invalid_field", message: "\(line.sku): quantity out of range")
        }
    }

    /// A line of a sale as stored, with what has come back of it so far.
    struct SoldLine: Sendable {
        var lineNo: Int
        var sku: String
        var qty: Int64
        var price: Int64
        var returned: Int64
    }

    /// What a return takes back: quantities added to the sale's lines, and the refund.
    struct Allocation: Sendable {
        var lineNos: [Int] = []
        var quantities: [Int64] = []
        var refund: Int64 = 0
    }

    /// Ties each returned quantity to the sale's lines of that SKU, first line first. A line's
    /// refund is what its returned quantity is worth after the return less what it was worth
    /// before, each rounded half-up: returning a line bit by bit refunds exactly what was paid.
    static func allocate(_ wanted: [(sku: String, qty: Int64)], against sold: [SoldLine], sale: String) throws -> Allocation {
        var returned = sold.map(\.returned)
        for line in wanted {
            var left = line.qty
            var found = false
            for index in sold.indices where sold[index].sku == line.sku {
                found = true
                let take = min(left, max(0, sold[index].qty - returned[index]))
                returned[index] += take
                left -= take
            }
            guard found else {
                throw Refusal(status: 422, code: "return_exceeds_sale", message: "\(line.sku) was not sold on \(sale)")
            }
            guard left == 0 else {
                throw Refusal(status: 422, code: "return_exceeds_sale",
                              message: "only \(line.qty - left) thousandths of \(line.sku) are left to return on \(sale)")
            }
        }
        var allocation = Allocation()
        for index in sold.indices where returned[index] != sold[index].returned {
            allocation.lineNos.append(sold[index].lineNo)
            allocation.quantities.append(returned[index] - sold[index].returned)
            allocation.refund += amount(qty: returned[index], price: sold[index].price)
                - amount(qty: sold[index].returned, price: sold[index].price)
        }
        return allocation
    }

    static func unknownSale(_ sale: String) -> Refusal {
        Refusal(status: 422, code: "unknown_sale", message: "sale \(sale) is unknown")
    }

    static func saleVoided(_ sale: String) -> Refusal {
        Refusal(status: 422, code: "sale_voided", message: "sale \(sale) was voided")
    }

    static func saleHasReturns(_ sale: String) -> Refusal {
        Refusal(status: 422, code: "sale_has_returns", message: "sale \(sale) has returns; return the remaining lines instead")
    }

    static func unknownCustomer(_ card: String) -> Refusal {
        Refusal(status: 404, code: "unknown_customer", message: "card \(card) is not enrolled")
    }
}
