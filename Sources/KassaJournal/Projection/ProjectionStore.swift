import Foundation
import GRDB
import KassaCore

/// The SQLite file `DATA/kassa.sqlite`: incremental snapshots of the Ledger (customers with
/// aggregates, catalog, shifts, totals, and the journal position they cover) and the purchase
/// history projected from the journal.
///
/// One connection, owned here and used from one background thread at a time (GRDB serializes
/// access to a `DatabaseQueue`). Never used on the writer's path.
public final class ProjectionStore: @unchecked Sendable {
    let queue: DatabaseQueue
    /// The file.
    public let path: String

    /// The page size of a newly created file.
    static let pageBytes = 16_384

    /// SQLite's page cache for the projection, in KiB.
    static let cacheKiB = 64 * 1024

    /// Opens (creating and migrating if needed) the store at `path`.
    public init(path: String) throws {
        // Before SQLite's first use in the process, where this store comes first.
        SQLiteTuning.apply()
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Pages of 16 KiB, not SQLite's 4 KiB, for a new file: the history is appended a
            // receipt of thirty lines at a time, and larger pages split and are written to the WAL
            // and checkpointed less often per line (the projection benchmark: about a tenth less
            // CPU per receipt). Only a file not yet created takes it, so it comes before WAL is
            // switched on; an existing file keeps the page size it was made with and opens as
            // before.
            try db.execute(sql: "PRAGMA page_size = \(ProjectionStore.pageBytes)")
            // WAL keeps readers (staff history queries) off the projector's back; FULL makes each
            // committed snapshot durable, which it must be before journal segments are removed.
            // The history's commits stay FULL too: segments are removed below the history's
            // position as well, and NORMAL saved no measurable CPU per receipt.
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF")
            // A batch of history is thousands of receipts: with SQLite's default cache of 2 MiB
            // its dirty pages spill to the WAL before the commit, and the pages of the indexes
            // on sale ids and customers, which receipts touch all over, are written and read
            // back many times in one transaction. A larger cache writes each page once.
            try db.execute(sql: "PRAGMA cache_size = -\(ProjectionStore.cacheKiB)")
        }
        configuration.busyMode = .timeout(10)
        self.path = path
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try ProjectionSchema.migrator().migrate(queue)
    }

    /// Journal positions the store covers.
    public struct Positions: Sendable, Equatable {
        /// Last journal entry the snapshot includes (0: none).
        public var snapshotSeq: UInt64
        /// First journal entry recovery must read to rebuild the receipt index.
        public var indexFromSeq: UInt64
        /// Last journal entry projected into the history tables (0: none).
        public var historySeq: UInt64
    }

    /// The positions stored now.
    public func positions() throws -> Positions {
        try queue.read { db in
            Positions(snapshotSeq: try meta(db, "snapshot_seq"), indexFromSeq: try meta(db, "index_from_seq"),
                      historySeq: try meta(db, "history_seq"))
        }
    }

    // MARK: - Snapshot

    /// Writes what changed since the previous snapshot, from a copy of the Ledger taken at one
    /// batch boundary, in one transaction with the position it covers.
    public func writeSnapshot(of ledger: Ledger, changes: LedgerChanges) throws {
        try queue.write { db in
            let upsertCustomer = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO customers (card, phone, name, birthdate, source, enrolled_at, points, visits,
                    lifetime_spend, first_visit_day, last_visit_day, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            var writer = BinaryWriter(capacity: 512)
            for card in changes.customers {
                guard let account = ledger.customers.account(card) else { continue }
                writer.reset()
                writer.write(account)
                let p = account.profile
                try upsertCustomer.execute(arguments: [
                    card.description, p.phone, p.name, p.birthdate?.description, p.source, p.enrolledAt.description,
                    account.points, Int64(account.visits), account.lifetimeSpend,
                    account.firstVisitDay.map { Int64($0) }, account.lastVisitDay.map { Int64($0) }, Data(writer.bytes),
                ])
            }
            let upsertProduct = try db.cachedStatement(sql: "INSERT OR REPLACE INTO products (sku, name, category, price, flags) VALUES (?,?,?,?,?)")
            for sku in changes.products {
                guard let product = ledger.catalog.product(sku) else { continue }
                try upsertProduct.execute(arguments: [sku.code, product.name, product.category, product.price, Int64(product.flags.rawValue)])
            }
            try db.execute(sql: "DELETE FROM shifts")
            let insertShift = try db.cachedStatement(sql: "INSERT INTO shifts (terminal, state) VALUES (?, ?)")
            for (terminal, state) in ledger.shifts {
                writer.reset()
                writer.write(state)
                try insertShift.execute(arguments: [terminal, Data(writer.bytes)])
            }
            writer.reset()
            writer.write(ledger.stats)
            try setMeta(db, "snapshot_seq", ledger.lastSeq)
            try setMeta(db, "index_from_seq", ledger.receipts.oldestSeqHeld ?? ledger.lastSeq + 1)
            try db.execute(sql: "INSERT OR REPLACE INTO snapshot_blobs (name, bytes) VALUES ('stats', ?)", arguments: [Data(writer.bytes)])
            writer.reset()
            writer.write(ledger.imports)
            try db.execute(sql: "INSERT OR REPLACE INTO snapshot_blobs (name, bytes) VALUES ('imports', ?)", arguments: [Data(writer.bytes)])
            if let rules = ledger.rules {
                writer.reset()
                writer.writeVarint(UInt64(rules.version)); writer.write(rules.document); writer.write(rules.by); writer.write(rules.at)
                try db.execute(sql: "INSERT OR REPLACE INTO snapshot_blobs (name, bytes) VALUES ('rules', ?)", arguments: [Data(writer.bytes)])
            }
        }
    }

    /// What a snapshot restores: the Ledger without its receipt index, the position it covers,
    /// and where the journal must be read from to rebuild the index.
    public struct LoadedSnapshot: Sendable {
        /// The Ledger as of `seq`, receipt index empty.
        public var ledger: Ledger
        /// The snapshot's journal position.
        public var seq: UInt64
        /// First entry to feed `Ledger.restoreIndex`.
        public var indexFromSeq: UInt64
        /// Customers loaded.
        public var customers: Int
    }

    /// Loads the latest snapshot into a Ledger with `limits`; an empty store loads an empty Ledger.
    public func loadSnapshot(limits: LedgerLimits) throws -> LoadedSnapshot {
        try queue.read { db in
            let seq = try meta(db, "snapshot_seq")
            var ledger = Ledger(limits: limits)
            guard seq > 0 else { return LoadedSnapshot(ledger: ledger, seq: 0, indexFromSeq: 1, customers: 0) }
            var customers = CustomerTable()
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customers") ?? 0
            customers.reserve(count)
            let rows = try Row.fetchCursor(db, sql: "SELECT card, state FROM customers")
            while let row = try rows.next() {
                let bytes: Data = row[1]
                let account = try decodeBlob(bytes, what: "customer \(row[0] as String)") { (r: inout BinaryReader) throws(DecodeError) in
                    try r.readCustomerAccount()
                }
                customers.insert(account)
            }
            var catalog = Catalog()
            var products: [Product] = []
            let productRows = try Row.fetchCursor(db, sql: "SELECT sku, name, category, price, flags FROM products")
            while let row = try productRows.next() {
                let code: String = row[0]
                let sku = try SKU(validating: code)
                products.append(Product(sku: sku, name: row[1], category: row[2], price: row[3], flags: Product.Flags(rawValue: UInt8(clamping: row[4] as Int64))))
            }
            catalog.upsertLoaded(products)
            var shifts: [String: ShiftState] = [:]
            let shiftRows = try Row.fetchCursor(db, sql: "SELECT terminal, state FROM shifts")
            while let row = try shiftRows.next() {
                let bytes: Data = row[1]
                shifts[row[0]] = try decodeBlob(bytes, what: "shift \(row[0] as String)") { (r: inout BinaryReader) throws(DecodeError) in
                    try r.readShiftState()
                }
            }
            var stats = LedgerStats()
            if let bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM snapshot_blobs WHERE name = 'stats'") {
                stats = try decodeBlob(bytes, what: "ledger totals") { (r: inout BinaryReader) throws(DecodeError) in try r.readStats() }
            }
            var rules: RulesRecord?
            if let bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM snapshot_blobs WHERE name = 'rules'") {
                rules = try decodeBlob(bytes, what: "loyalty rules") { (r: inout BinaryReader) throws(DecodeError) in
                    let number = try r.readVarint()
                    guard let version = UInt32(exactly: number), version > 0 else { throw DecodeError("rules version out of range", offset: r.offset) }
                    return RulesRecord(version: version, document: try r.readString(), by: try r.readString(), at: try r.readTimestamp())
                }
            }
            var imports = SalesImports()
            if let bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM snapshot_blobs WHERE name = 'imports'") {
                imports = try decodeBlob(bytes, what: "applied imports") { (r: inout BinaryReader) throws(DecodeError) in try r.readSalesImports() }
            }
            ledger.load(customers: customers, catalog: catalog, shifts: shifts, stats: stats, rules: rules, imports: imports)
            return LoadedSnapshot(ledger: ledger, seq: seq, indexFromSeq: try meta(db, "index_from_seq"), customers: count)
        }
    }

    // MARK: - History

    /// Projects journal entries into the history tables in one transaction and advances
    /// `history_seq`; entries at or below it are skipped, so a repeat is harmless.
    public func writeHistory(_ entries: [LedgerEntry]) throws {
        guard !entries.isEmpty else { return }
        try queue.write { db in
            let done = try meta(db, "history_seq")
            var last = done
            for entry in entries where entry.seq > done {
                try HistoryRows.insert(entry, into: db)
                last = entry.seq
            }
            try setMeta(db, "history_seq", last)
        }
    }

    /// Runs a read-only query (staff history lookups, tests).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }
}

func meta(_ db: Database, _ key: String) throws -> UInt64 {
    let value = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) ?? 0
    return UInt64(max(0, value))
}

func setMeta(_ db: Database, _ key: String, _ value: UInt64) throws {
    try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, Int64(value)])
}

/// A snapshot row that does not decode: the file is damaged or from another version.
public struct SnapshotDecodeError: Error, CustomStringConvertible {
    /// What it is.
    public var description: String
}

private func decodeBlob<T>(_ data: Data, what: String, _ body: (inout BinaryReader) throws(DecodeError) -> T) throws -> T {
    let result: Result<T, DecodeError> = data.withUnsafeBytes { raw in
        var reader = BinaryReader(raw)
        return Result { () throws(DecodeError) in
            let value = try body(&reader)
            guard reader.isAtEnd else { throw DecodeError("trailing bytes", offset: reader.offset) }
            return value
        }
    }
    switch result {
    case .success(let value): return value
    case .failure(let error): throw SnapshotDecodeError(description: "snapshot \(what) is damaged: \(error)")
    }
}
