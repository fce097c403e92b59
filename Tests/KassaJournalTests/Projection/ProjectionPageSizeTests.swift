import Foundation
import GRDB
import Testing
import KassaCore
@testable import KassaJournal
import KassaTestSupport

/// New projection files are made with larger pages; files made before keep theirs and open
/// with their history intact.
@Suite("Projection file page size")
struct ProjectionPageSizeTests {
    func temporaryDatabase() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-page-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("kassa.sqlite").path
    }

    func pageSize(_ store: ProjectionStore) throws -> Int {
        try store.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    }

    func sales(_ count: Int) -> [LedgerEntry] {
        var ledger = Ledger()
        return (0..<count).compactMap { number in
            let receipt = Fixture.receipt("P\(number)", lines: [Fixture.line(Fixture.milk, "1", 8990), Fixture.line(Fixture.bread, "2", 4500)])
            guard case .applied(let entry, _) = ledger.apply(.sale(receipt), at: Fixture.morning, pricing: ListPricing()) else { return nil }
            return entry
        }
    }

    @Test func aNewFileHasTheLargerPages() throws {
        let store = try ProjectionStore(path: temporaryDatabase())
        #expect(try pageSize(store) == ProjectionStore.pageBytes)
    }

    @Test func aFileMadeWithFourKibPagesKeepsThemAndItsHistory() throws {
        let path = temporaryDatabase()
        // As a data directory from before: 4 KiB pages, WAL, the schema, some history.
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL") }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try ProjectionSchema.migrator().migrate(queue)
            try queue.close()
        }
        let entries = sales(40)
        let first = try ProjectionStore(path: path)
        #expect(try pageSize(first) == 4096)
        try first.writeHistory(Array(entries.prefix(20)))
        let reopened = try ProjectionStore(path: path)
        #expect(try pageSize(reopened) == 4096)
        try reopened.writeHistory(entries)
        #expect(try reopened.positions().historySeq == entries.last?.seq)
        let lines = try reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sale_lines") ?? 0 }
        #expect(lines == 2 * entries.count)
    }

    @Test func aFileFromBeforeLosesTheUnusedDayIndexAndKeepsItsHistory() throws {
        let path = temporaryDatabase()
        let entries = sales(30)
        // As a data directory from before the index was dropped: the schema up to v5 with history.
        do {
            let queue = try DatabaseQueue(path: path)
            try ProjectionSchema.migrator().migrate(queue, upTo: "v5-analytics")
            try queue.close()
        }
        let indexes = { (store: ProjectionStore) in
            try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sales'") }
        }
        do {
            let queue = try DatabaseQueue(path: path)
            #expect(try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name = 'sales_day'") } == ["sales_day"])
            try queue.close()
        }
        let store = try ProjectionStore(path: path)
        #expect(try Set(indexes(store)) == ["sales_customer", "sales_id"])
        try store.writeHistory(entries)
        let reopened = try ProjectionStore(path: path)
        #expect(try reopened.positions().historySeq == entries.last?.seq)
        #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sales") } == entries.count)
    }
}

/// SQLite's process-wide settings, seen from a fresh process (this one has used SQLite already).
@Suite("SQLite settings for Kassa's stores")
struct SQLiteTuningTests {
    @Test func aFreshProcessOpensItsStoresWithoutPerCallMutexesOrMemoryStatistics() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-tune-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let probe = try ChildProcess(["sqlite", dir, "-"])
        let line = probe.waitForLine(startingWith: "tuning", timeout: 30)
        #expect(line == "tuning 0 connection-mutex false memory-counted 0", "\(line ?? "no line"); \(probe.standardError)")
    }

    @Test func storesStillOpenAndWriteWhenSQLiteWasUsedFirst() throws {
        // This process opened databases before: the settings cannot apply, and nothing breaks.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-tune-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try DatabaseQueue(path: dir + "/first.sqlite")
        let store = try ProjectionStore(path: dir + "/kassa.sqlite")
        #expect(SQLiteTuning.result == 0 || SQLiteTuning.result == 21)
        #expect(try store.positions().historySeq == 0)
    }
}
