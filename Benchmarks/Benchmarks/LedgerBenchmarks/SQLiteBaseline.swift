// Baseline: the same receipts written to SQLite the way a retailer's back office would write
// them, one durable transaction per receipt, to compare with Kassa's in-memory Ledger.

import Benchmark
import Foundation
import GRDB
import KassaBenchSupport
import KassaCore

/// This process's database directory (each benchmark runs in its own process).
let sqliteDirectory = FileManager.default.temporaryDirectory
    .appendingPathComponent("kassa-sqlite-\(ProcessInfo.processInfo.processIdentifier)")

/// A SQLite database in a fresh temporary directory, removed at teardown.
final class SQLiteRun: @unchecked Sendable {
    let directory = sqliteDirectory
    let database: DatabaseQueue
    let baskets: [Workload.Basket]
    let categories: [SKU: String]
    var nextReceipt = 0

    init() throws {
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabaseQueue(path: directory.appendingPathComponent("kassa.sqlite").path, configuration: configuration)
        let products = Workload.catalog(count: Store.products)
        baskets = Workload.baskets(count: Store.baskets, linesPerReceipt: Store.linesPerReceipt, products: products)
        categories = Dictionary(uniqueKeysWithValues: products.map { ($0.sku, $0.category) })
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE customers (
                    card INTEGER PRIMARY KEY, phone TEXT NOT NULL, name TEXT NOT NULL, birthdate TEXT,
                    source TEXT NOT NULL, enrolled_at INTEGER NOT NULL,
                    points INTEGER NOT NULL DEFAULT 0, visits INTEGER NOT NULL DEFAULT 0,
                    lifetime_spend INTEGER NOT NULL DEFAULT 0, first_visit_day INTEGER, last_visit_day INTEGER);
                CREATE TABLE receipts (
                    id TEXT PRIMARY KEY, store TEXT NOT NULL, terminal TEXT NOT NULL, cashier TEXT NOT NULL,
                    at INTEGER NOT NULL, offset_minutes INTEGER NOT NULL,
                    customer INTEGER REFERENCES customers(card),
                    subtotal INTEGER NOT NULL, discount INTEGER NOT NULL, total INTEGER NOT NULL);
                CREATE TABLE receipt_lines (
                    receipt_id TEXT NOT NULL REFERENCES receipts(id), line_no INTEGER NOT NULL,
                    sku TEXT NOT NULL, qty_thousandths INTEGER NOT NULL, price INTEGER NOT NULL,
                    amount INTEGER NOT NULL, discount INTEGER NOT NULL, category TEXT NOT NULL,
                    PRIMARY KEY (receipt_id, line_no));
                CREATE INDEX receipts_customer ON receipts(customer);
                """)
            let insert = try db.makeStatement(sql: """
                INSERT INTO customers (card, phone, name, birthdate, source, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for index in 0..<Store.customers {
                let customer = Workload.customer(index)
                try insert.execute(arguments: [Int64(customer.card.value), customer.phone, customer.name,
                                               customer.birthdate?.description, customer.source,
                                               customer.enrolledAt.epochMilliseconds])
            }
        }
        _ = try database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// Writes one receipt in its own transaction: the receipt, its lines, the customer's aggregates.
    func write(_ receipt: Receipt) throws {
        try database.write { db in
            var subtotal: Int64 = 0
            let line = try db.cachedStatement(sql: """
                INSERT INTO receipt_lines (receipt_id, line_no, sku, qty_thousandths, price, amount, discount, category)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                """)
            let header = try db.cachedStatement(sql: """
                INSERT INTO receipts (id, store, terminal, cashier, at, offset_minutes, customer, subtotal, discount, total)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                """)
            var amounts: [Int64] = []
            amounts.reserveCapacity(receipt.lines.count)
            for item in receipt.lines {
                let amount = item.qty.amount(price: item.price)!
                amounts.append(amount)
                subtotal += amount
            }
            try header.execute(arguments: [receipt.id, receipt.store, receipt.terminal, receipt.cashier,
                                           receipt.at.epochMilliseconds, Int64(receipt.at.offsetMinutes),
                                           receipt.customer.map { Int64($0.value) }, subtotal, subtotal])
            for (number, item) in receipt.lines.enumerated() {
                try line.execute(arguments: [receipt.id, number, item.sku.code, item.qty.thousandths, item.price,
                                             amounts[number], item.category ?? categories[item.sku] ?? ""])
            }
            if let card = receipt.customer {
                let day = Int64(receipt.at.localDay)
                try db.cachedStatement(sql: """
                    UPDATE customers SET visits = visits + 1, lifetime_spend = lifetime_spend + ?,
                        first_visit_day = coalesce(min(first_visit_day, ?), ?),
                        last_visit_day = coalesce(max(last_visit_day, ?), ?)
                    WHERE card = ?
                    """).execute(arguments: [subtotal, day, day, day, day, Int64(card.value)])
                guard db.changesCount == 1 else { throw DatabaseError(message: "card \(card) is not enrolled") }
            }
        }
    }
}

/// (baseline) One receipt per iteration (scalingFactor .one): `throughput` is receipts/s and
/// `wallClock` the latency of one durable commit; `lines/s` is 30 × that. WAL, synchronous=FULL:
/// every commit is fsynced, as a till's acknowledgement requires. Setup enrols the same million
/// customers in the `customers` table first (not measured).
func sqliteBaseline() {
    Benchmark(
        "SQLite one transaction per 30-line receipt",
        configuration: .init(
            metrics: [.wallClock, .throughput, .writeBytesPhysical, KassaMetric.linesPerSecond],
            warmupIterations: 20,
            scalingFactor: .one,
            maxDuration: .seconds(5),
            maxIterations: 5_000
        )
    ) { benchmark, run in
        let receipt = Workload.receipt(run.nextReceipt, baskets: run.baskets, customers: Store.customers)
        run.nextReceipt += 1
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        do {
            try run.write(receipt)
        } catch {
            benchmark.error("\(error)")
        }
        let elapsed = start.duration(to: clock.now)
        benchmark.stopMeasurement()
        benchmark.measurement(KassaMetric.linesPerSecond, perSecond(Store.linesPerReceipt, elapsed))
    } setup: {
        try SQLiteRun()
    } teardown: {
        try? FileManager.default.removeItem(at: sqliteDirectory)
    }
}
