import Foundation
import GRDB
import Testing
@testable import KassaCore
@testable import KassaJournal
import KassaTestSupport

/// The projector writes the history straight from the journal's bytes (`SaleRows`); what it
/// writes must be, row for row, what the decoded entries give (`writeHistory`), which the
/// history queries and analytics were written against.
@Suite("History projected from the journal")
struct JournalProjectionTests {
    func temporaryDatabase() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-proj-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("kassa.sqlite").path
    }

    /// Every row of every history table, in key order, and the position the history reached.
    func history(_ store: ProjectionStore) throws -> [String: [Row]] {
        try store.read { db in
            var tables: [String: [Row]] = [:]
            for (table, key) in [("sales", "seq"), ("sale_lines", "sale_seq, line"), ("returns", "seq"), ("return_lines", "return_seq, line"),
                                 ("voids", "seq"), ("directory", "card"), ("audit", "seq"), ("rules", "version")] {
                tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(key)")
            }
            tables["meta"] = try Row.fetchAll(db, sql: "SELECT * FROM meta WHERE key = 'history_seq'")
            return tables
        }
    }

    /// A sale made by hand, with what the Ledger's pricing seldom gives: several rules on a
    /// line, a category outside ASCII, a till's own category, payments of every kind, points
    /// expired, no customer, more lines than one INSERT writes (`SaleRows`).
    func handMadeSale(seq: UInt64, number: Int) -> LedgerEntry {
        let skus = [Fixture.milk, Fixture.meat, Fixture.bread, Fixture.sku("036000291452")]
        let lines = (0..<(1 + number % 31 + (number % 7 == 0 ? 2 * SaleRows.linesPerStatementMax : 0))).map { index in
            let rules = (0..<(index % 4)).map { "rule-\($0)-\(String(repeating: "x", count: index))" }
            return SoldLine(line: ReceiptLine(sku: skus[index % skus.count], qty: Quantity(thousandths: Int64(1 + index * 997)),
                                              price: Int64(index * 1_234), category: index % 5 == 0 ? "till's own" : nil),
                            priced: PricedLine(amount: Int64(index * 1_000 + number), discount: Int64(index % 3 * 50), rules: rules,
                                               category: index % 2 == 0 ? "молочное" : "meat"))
        }
        let payments: [Payment] = number % 3 == 0
            ? [] : [Payment(method: .card, amount: 1_000), Payment(method: .points, amount: 250), Payment(method: .other("gift-card"), amount: -7)]
        let sale = SaleRecord(seq: seq, fingerprint: UInt64(number) &* 0x9E37_79B9, id: "H\(number)", store: "S\(number % 2)",
                              terminal: "T\(number % 7)", cashier: "Кассир \(number)",
                              at: Timestamp(epochMilliseconds: Fixture.morning.epochMilliseconds + Int64(number) * 61_001,
                                            offsetMinutes: number % 4 == 0 ? 0 : Fixture.moscow),
                              customer: number % 2 == 0 ? CardNumber("70000000000\(number % 10)0") : nil,
                              lines: lines, payments: payments, pointsEarned: Int64(number), pointsSpent: Int64(number % 3),
                              pointsBalanceAfter: 99, tier: number % 2 == 0 ? "gold" : nil, rulesVersion: UInt32(number % 5),
                              pointsExpired: number % 4 == 0 ? 0 : Int64(number * 10))
        return LedgerEntry(seq: seq, at: Fixture.morning, event: .saleRegistered(sale))
    }

    /// The Ledger's own stream of sales, returns, voids, enrolments, shifts and rules, with a
    /// hand-made sale after every fifth entry.
    func journalEntries(count: Int, seed: UInt64) -> [LedgerEntry] {
        var ledger = Ledger()
        var stream = CommandStream(seed: seed, rules: true)
        var entries: [LedgerEntry] = []
        while entries.count < count {
            if case .applied(let entry, _) = ledger.apply(stream.next(), at: Fixture.morning, pricing: RulesAwarePoints()) {
                entries.append(entry)
            }
            if entries.count % 5 == 4 {
                entries.append(handMadeSale(seq: UInt64(entries.count + 1), number: entries.count))
                ledger.restore(lastSeq: UInt64(entries.count))
            }
        }
        return entries
    }

    /// Writes `entries` into a journal in `directory`; a sale with no points expired is written
    /// in payload format 1 when `legacy` says so (journals from before format 2 still project).
    func writeJournal(_ entries: [LedgerEntry], to directory: String, legacy: (LedgerEntry) -> Bool = { _ in false }) throws {
        let writer = try Journal.open(directory: directory, options: JournalWriter.Options(segmentBytes: 256 << 10, recordBytesMax: 64 << 10)).writer
        for entry in entries {
            var payload = LedgerEntryCodec.encode(entry)
            if case .saleRegistered(let sale) = entry.event, sale.pointsExpired == 0, legacy(entry) {
                // Format 1 is format 2 without the trailing expired points (a zero varint here).
                #expect(payload.last == 0)
                payload[0] = 1
                payload.removeLast()
            }
            try writer.ensureCapacity(forPayloadBytes: payload.count)
            _ = try payload.withUnsafeBytes { try writer.append($0) }
        }
        try writer.flush()
        try writer.sync()
    }

    @Test func projectingTheJournalWritesTheRowsOfTheDecodedEntries() throws {
        let entries = journalEntries(count: 1_500, seed: 21)
        #expect(entries.map(\.seq) == Array(1...UInt64(entries.count)))
        let decoded = try ProjectionStore(path: temporaryDatabase())
        try decoded.writeHistory(entries)
        let directory = temporaryDatabase() + "-journal"
        try writeJournal(entries, to: directory, legacy: { $0.seq % 2 == 0 })
        let projected = try ProjectionStore(path: temporaryDatabase())
        let reader = JournalReader(directory: directory, from: 1, recordBytesMax: 1 << 20)
        #expect(try projected.projectHistory(from: reader, upTo: .max, batchMax: 97) == entries.count)
        let expected = try history(decoded)
        #expect(expected["sales"]!.count > 500 && expected["sale_lines"]!.count > 5_000)
        #expect(expected["returns"]!.count > 0 && expected["voids"]!.count > 0 && expected["directory"]!.count > 0)
        let got = try history(projected)
        for table in expected.keys.sorted() {
            #expect(got[table] == expected[table], "table \(table)")
        }
        #expect(try projected.positions().historySeq == UInt64(entries.count))
    }

    @Test func projectingAgainFromTheStartWritesNothingTwice() throws {
        let entries = journalEntries(count: 600, seed: 8)
        let directory = temporaryDatabase() + "-journal"
        try writeJournal(entries, to: directory)
        let store = try ProjectionStore(path: temporaryDatabase())
        try store.projectHistory(from: JournalReader(directory: directory, from: 1, recordBytesMax: 1 << 20), upTo: 250, batchMax: 1_000)
        #expect(try store.positions().historySeq == 250)
        // As after a crash between the history's commit and the reader's next position.
        try store.projectHistory(from: JournalReader(directory: directory, from: 1, recordBytesMax: 1 << 20), upTo: .max, batchMax: 64)
        let once = try ProjectionStore(path: temporaryDatabase())
        try once.writeHistory(entries)
        #expect(try history(store) == history(once))
    }
}
