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
