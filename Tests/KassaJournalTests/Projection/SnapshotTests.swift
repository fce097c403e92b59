import Foundation
import GRDB
import Testing
import KassaCore
import KassaJournal
import KassaTestSupport

@Suite("SQLite snapshot and history")
struct SnapshotTests {
    func temporaryDatabase() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-snap-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("kassa.sqlite").path
    }

    /// Runs a random stream, snapshotting twice along the way (incrementally), then recovers as
    /// start-up does: snapshot, receipt index from the journal, replay after the snapshot.
    @Test(arguments: [7, 99] as [UInt64])
    func recoveryFromSnapshotAndJournalRebuildsTheLedger(seed: UInt64) throws {
        let store = try ProjectionStore(path: temporaryDatabase())
        var limits = LedgerLimits()
        limits.receiptIndexMax = 300
        var live = Ledger(limits: limits)
        var journal: [LedgerEntry] = []
        // With rules documents: the rules in force live in the snapshot and the journal.
        var stream = CommandStream(seed: seed, rules: true)
        var now = Fixture.morning
        for step in 1...3000 {
            if step % 50 == 0 { now.epochMilliseconds += 3_600_000 }
            if case .applied(let entry, _) = live.apply(stream.next(), at: now, pricing: RulesAwarePoints()) {
                journal.append(entry)
            }
            if step == 1000 || step == 2200 {
                let changes = live.takeChanges()
                try store.writeSnapshot(of: live, changes: changes)
                try store.writeHistory(journal)
            }
        }
        let loaded = try store.loadSnapshot(limits: limits)
        #expect(loaded.seq > 0)
        var recovered = loaded.ledger
        for entry in journal where entry.seq >= loaded.indexFromSeq && entry.seq <= loaded.seq {
            recovered.restoreIndex(entry)
        }
        recovered.restore(lastSeq: loaded.seq)
        for entry in journal where entry.seq > loaded.seq {
            try recovered.replay(entry)
        }
        _ = live.takeChanges()
        _ = recovered.takeChanges()
        #expect(recovered.customers == live.customers)
        #expect(recovered.catalog == live.catalog)
        #expect(recovered.shifts == live.shifts)
        #expect(recovered.stats == live.stats)
        #expect(recovered.receipts == live.receipts)
        #expect(recovered.rules == live.rules && live.rules != nil)
        #expect(recovered == live)
    }

    @Test func historyHoldsEverySaleLineReturnAndVoidOnce() throws {
        let store = try ProjectionStore(path: temporaryDatabase())
        var ledger = Ledger()
        var journal: [LedgerEntry] = []
        var stream = CommandStream(seed: 5)
        for _ in 0..<500 {
            if case .applied(let entry, _) = ledger.apply(stream.next(), at: Fixture.morning, pricing: ListPricing()) {
                journal.append(entry)
            }
        }
        try store.writeHistory(Array(journal.prefix(200)))
        try store.writeHistory(journal)  // overlaps the first batch: nothing may double
        let counts = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sales") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sale_lines") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM returns") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM voids") ?? -1,
             try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(total), 0) FROM sales") ?? -1)
        }
        #expect(Int64(counts.0) == ledger.stats.receipts)
        #expect(Int64(counts.1) == ledger.stats.lines)
        #expect(Int64(counts.2) == ledger.stats.returns)
        #expect(Int64(counts.3) == ledger.stats.voids)
        let refunds = try store.read { db in
            (try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(refund), 0) FROM returns") ?? 0)
                + (try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(refund), 0) FROM voids") ?? 0)
        }
        #expect(counts.4 - refunds == ledger.stats.revenue)
        #expect(try store.positions().historySeq == ledger.lastSeq)
    }

    @Test func everySaleAndLineColumnHoldsWhatTheJournalSays() throws {
        let store = try ProjectionStore(path: temporaryDatabase())
        var ledger = Ledger()
        var journal: [LedgerEntry] = []
        var stream = CommandStream(seed: 11, rules: true)
        for _ in 0..<400 {
            if case .applied(let entry, _) = ledger.apply(stream.next(), at: Fixture.morning, pricing: RulesAwarePoints()) {
                journal.append(entry)
            }
        }
        try store.writeHistory(journal)
        var checked = 0
        for entry in journal {
            guard case .saleRegistered(let sale) = entry.event else { continue }
            let row = try #require(try store.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM sales WHERE seq = ?", arguments: [Int64(entry.seq)])
            })
            #expect(row["id"] as String == sale.id)
            #expect(row["store"] as String == sale.store && row["terminal"] as String == sale.terminal && row["cashier"] as String == sale.cashier)
            #expect(row["at"] as String == sale.at.description && row["at_ms"] as Int64 == sale.at.epochMilliseconds)
            #expect(row["day"] as Int64 == Int64(sale.at.localDay))
            #expect(row["customer"] as String? == sale.customer?.description)
            #expect(row["subtotal"] as Int64 == sale.subtotal && row["discount"] as Int64 == sale.discount && row["total"] as Int64 == sale.total)
            #expect(row["points_earned"] as Int64 == sale.pointsEarned && row["points_spent"] as Int64 == sale.pointsSpent)
            #expect(row["points_expired"] as Int64 == sale.pointsExpired && row["rules_version"] as Int64 == Int64(sale.rulesVersion))
            #expect(row["payments"] as String == sale.payments.map { "\($0.method)=\($0.amount)" }.joined(separator: ";"))
            let lines = try store.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM sale_lines WHERE sale_seq = ? ORDER BY line", arguments: [Int64(entry.seq)])
            }
            #expect(lines.count == sale.lines.count)
            for (index, (line, sold)) in zip(lines, sale.lines).enumerated() {
                #expect(line["line"] as Int == index)
                #expect(line["sku"] as String == sold.line.sku.code && line["qty"] as Int64 == sold.line.qty.thousandths)
                #expect(line["price"] as Int64 == sold.line.price && line["amount"] as Int64 == sold.priced.amount)
                #expect(line["discount"] as Int64 == sold.priced.discount && line["category"] as String == sold.priced.category)
                #expect(line["rules"] as String == sold.priced.rules.joined(separator: ","))
            }
            checked += 1
        }
        #expect(checked > 100)
    }
}
