import KassaCore
import KassaTestSupport
import Testing
@testable import KassaJournal

/// Recovery records entries on a second thread while the journal is read and decoded.
@Suite("Replay on a second thread")
struct PipelinedReplayTests {
    func journal(_ count: Int, seed: UInt64 = 3) -> [LedgerEntry] {
        var ledger = Ledger()
        var stream = CommandStream(seed: seed, rules: true)
        var entries: [LedgerEntry] = []
        while entries.count < count {
            if case .applied(let entry, _) = ledger.apply(stream.next(), at: Fixture.morning, pricing: RulesAwarePoints()) {
                entries.append(entry)
            }
        }
        return entries
    }

    @Test func recordsEveryEntryInOrderLikeReplayingOnOneThread() throws {
        let entries = journal(5_000)
        var sequential = Ledger()
        for entry in entries { try sequential.replay(entry) }
        let replay = PipelinedReplay(ledger: Ledger()) { ledger, entry in try ledger.replay(entry) }
        for entry in entries { try replay.add(entry) }
        #expect(try replay.finish() == sequential)
    }

    @Test func aGapStopsTheReaderAndFinishReportsIt() throws {
        var entries = journal(3_000)
        entries.remove(at: 1_000)
        let replay = PipelinedReplay(ledger: Ledger()) { ledger, entry in try ledger.replay(entry) }
        var stoppedAt: Int?
        for (index, entry) in entries.enumerated() {
            do {
                try replay.add(entry)
            } catch {
                stoppedAt = index
                break
            }
        }
        // The reader learns of the failure within a few chunks, not at the end of the journal.
        if let stoppedAt { #expect(stoppedAt < 1_000 + 10 * PipelinedReplay.chunkEntries) }
        #expect(throws: LedgerReplayError.self) { try replay.finish() }
    }

    @Test func abandoningReturnsWithoutRecordingTheRest() {
        let replay = PipelinedReplay(ledger: Ledger()) { ledger, entry in try ledger.replay(entry) }
        for entry in journal(2_000) { try? replay.add(entry) }
        replay.abandon()
    }
}
