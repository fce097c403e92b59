import Testing
import KassaCore
import KassaTestSupport

@Suite("Journal entries replay to the same ledger")
struct ReplayTests {
    @Test(arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func replayingEncodedEntriesRebuildsTheLedger(seed: UInt64) throws {
        var live = Ledger()
        var replica = Ledger()
        var stream = CommandStream(seed: seed)
        var day = Fixture.morning
        for step in 0..<2000 {
            if step % 100 == 0 { day.epochMilliseconds += 3_600_000 }
            let outcome = live.apply(stream.next(), at: day, pricing: OnePercentPoints())
            guard case .applied(let entry, _) = outcome else { continue }
            let bytes = LedgerEntryCodec.encode(entry)
            let decoded = try LedgerEntryCodec.decode(seq: entry.seq, payload: bytes)
            #expect(decoded == entry)
            try replica.replay(decoded)
        }
        #expect(live.lastSeq > 500)
        #expect(replica == live)
        for account in live.customers.all { #expect(account.points >= 0) }
    }

    @Test(arguments: [5, 6, 7] as [UInt64])
    func rulesChangesAndExpiredPointsReplay(seed: UInt64) throws {
        var live = Ledger()
        var replica = Ledger()
        var stream = CommandStream(seed: seed, rules: true)
        var versions: Set<UInt32> = []
        var expired: Int64 = 0
        for _ in 0..<3000 {
            guard case .applied(let entry, _) = live.apply(stream.next(), at: Fixture.morning, pricing: RulesAwarePoints()) else { continue }
            if case .rulesReplaced(let record) = entry.event { versions.insert(record.version) }
            if case .saleRegistered(let sale) = entry.event { expired += sale.pointsExpired }
            let decoded = try LedgerEntryCodec.decode(seq: entry.seq, payload: LedgerEntryCodec.encode(entry))
            #expect(decoded == entry)
            try replica.replay(decoded)
        }
        // Versions count up from 1 without gaps; a document equal to the one in force is a retry.
        #expect(versions == Set(1...UInt32(versions.count)) && versions.count > 3)
        #expect(expired > 0 && live.stats.pointsExpired == expired)
        #expect(replica == live)
        for account in live.customers.all { #expect(account.points >= 0) }
    }

    @Test func aSaleJournaledBeforeExpiryExistedStillDecodes() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        let entry: LedgerEntry
        switch ledger.apply(.sale(Fixture.receipt("S1", customer: Fixture.card(), lines: [Fixture.line(Fixture.milk, "1", 8990)])),
                            at: Fixture.morning, pricing: OnePercentPoints()) {
        case .applied(let applied, _): entry = applied
        default: Issue.record("sale refused"); return
        }
        // Format 1 had no expired points: the same payload without its last field (0, one byte).
        var old = LedgerEntryCodec.encode(entry)
        #expect(old[0] == 2 && old.last == 0)
        old[0] = 1
        old.removeLast()
        #expect(try LedgerEntryCodec.decode(seq: entry.seq, payload: old) == entry)
        old[0] = 3
        #expect(throws: DecodeError.self) { try LedgerEntryCodec.decode(seq: entry.seq, payload: old) }
    }

    @Test func rulesDocumentsAreCheckedVersionedAndIdempotent() {
        var ledger = Ledger()
        let pricing = RulesAwarePoints()
        #expect(ledger.run(.replaceRules(RulesChange(document: "nonsense", by: "admin")), pricing: pricing).error?.code == .invalidField)
        #expect(ledger.rules == nil && ledger.lastSeq == 0)
        guard case .success(.rules(let first)) = ledger.run(.replaceRules(RulesChange(document: "# test rules a", by: "admin")), pricing: pricing)
        else { Issue.record("refused"); return }
        #expect(first.version == 1 && ledger.lastSeq == 1)
        // The same document again answers the version in force and journals nothing.
        guard case .duplicate(.rules(let again)) = ledger.apply(.replaceRules(RulesChange(document: "# test rules a", by: "other")),
                                                               at: Fixture.morning, pricing: pricing)
        else { Issue.record("not a duplicate"); return }
        #expect(again == first && ledger.lastSeq == 1)
        guard case .success(.rules(let second)) = ledger.run(.replaceRules(RulesChange(document: "# test rules b", by: "admin")), pricing: pricing)
        else { Issue.record("refused"); return }
        #expect(second.version == 2 && ledger.rules == second)
        // A sale records the version in force.
        _ = ledger.run(.enrol(Fixture.customer()), pricing: pricing)
        let sale = try? ledger.mustSell(.sale(Fixture.receipt("S1", customer: Fixture.card(), lines: [Fixture.line(Fixture.milk, "1", 100)])),
                                        pricing: pricing)
        #expect(sale?.rulesVersion == 2)
        let huge = String(repeating: "x", count: RulesChange.documentBytesMax + 1)
        #expect(ledger.run(.replaceRules(RulesChange(document: "# test rules " + huge, by: "admin")), pricing: pricing).error?.code == .tooLarge)
    }

    @Test func replayRefusesAGap() {
        var ledger = Ledger()
        let entry = LedgerEntry(seq: 2, at: Fixture.morning, event: .shiftOpened(terminal: "T1"))
        #expect(throws: LedgerReplayError.self) { try ledger.replay(entry) }
    }

    @Test func truncatedOrTrailingPayloadsAreRejected() throws {
        let entry = LedgerEntry(seq: 1, at: Fixture.morning, event: .customerEnrolled(Fixture.customer()))
        let bytes = LedgerEntryCodec.encode(entry)
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try LedgerEntryCodec.decode(seq: 1, payload: Array(bytes[0..<cut])) }
        }
        #expect(throws: DecodeError.self) { try LedgerEntryCodec.decode(seq: 1, payload: bytes + [0]) }
    }
}
