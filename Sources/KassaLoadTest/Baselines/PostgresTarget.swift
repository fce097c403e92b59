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
