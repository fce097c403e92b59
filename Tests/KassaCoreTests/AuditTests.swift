import Testing
import KassaCore
import KassaTestSupport

@Suite("Audit log entries")
struct AuditTests {
    @Test func anAuditLineIsJournaledAndChangesNothingElse() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        let before = ledger
        let record = AuditRecord(actor: "analyst", role: "staff", action: "read_customer", subject: "7000123456789")
        guard case .applied(let entry, let answer) = ledger.apply(.audit(record), at: Fixture.morning, pricing: ListPricing()) else {
            Issue.record("an audit line is always recorded"); return
        }
        #expect(answer == .audited(seq: 2))
        #expect(entry.event == .audited(record))
        #expect(ledger.lastSeq == 2)
        #expect(ledger.customers == before.customers && ledger.stats == before.stats && ledger.receipts == before.receipts)
        let decoded = try LedgerEntryCodec.decode(seq: entry.seq, payload: LedgerEntryCodec.encode(entry))
        #expect(decoded == entry)
        var replayed = before
        try replayed.replay(decoded)
        #expect(replayed.lastSeq == 2)
    }

    @Test func longFieldsAreCutAtACharacterBoundary() {
        let record = AuditRecord(actor: String(repeating: "я", count: 200), role: "staff", action: "search_customers", subject: "q")
        #expect(record.actor.utf8.count <= AuditRecord.fieldBytesMax)
        #expect(record.actor.count == 128)
    }
}
