import Foundation
import KassaCore

/// Records journal entries into a Ledger on a second thread while the caller reads, checks and
/// decodes the next ones: recovery's two halves (scan and decode, then replay) each take about
/// half the time, so on two cores they overlap. Entries are recorded in the order added.
///
/// The Ledger belongs to the recording thread until `finish()` returns it.
public final class PipelinedReplay: @unchecked Sendable {
    /// Records one entry (replay it, or rebuild the receipt index from it).
    public typealias Step = @Sendable (inout Ledger, ReplayEntry) throws -> Void

    /// Entries handed over at a time, and chunks that may wait: enough to keep the recording
    /// thread busy, bounded so that a long journal never sits decoded in memory.
    static let chunkEntries = 512
    static let chunksWaitingMax = 8

    private let step: Step
    private let condition = NSCondition()
    private var ledger: Ledger
    private var waiting: [[ReplayEntry]] = []
    private var closed = false
    private var done = false
    private var failure: (any Error)?
    private var chunk: [ReplayEntry] = []

    /// Starts the recording thread over `ledger`.
    public init(ledger: Ledger, step: @escaping Step) {
        self.ledger = ledger
        self.step = step
        chunk.reserveCapacity(PipelinedReplay.chunkEntries)
        let thread = Thread { [self] in self.record() }
        thread.name = "kassa-replay"
        thread.start()
    }

    /// Adds the next decoded entry; throws what recording failed with, so that the caller stops
    /// reading the journal at once.
    public func add(_ entry: ReplayEntry) throws {
        chunk.append(entry)
        guard chunk.count >= PipelinedReplay.chunkEntries else { return }
        try hand(chunk)
        chunk = []
        chunk.reserveCapacity(PipelinedReplay.chunkEntries)
    }

    /// Adds the next decoded entry (`add(_: ReplayEntry)`).
    public func add(_ entry: LedgerEntry) throws { try add(.decoded(entry)) }

    /// Hands over what is left, waits until every entry is recorded, and returns the Ledger or
    /// the first error recording met.
    public func finish() throws -> Ledger {
        if !chunk.isEmpty {
            try? hand(chunk)
            chunk = []
        }
        if let failure = close(droppingWaiting: false) { throw failure }
        return ledger
    }

    /// Stops the recording thread without waiting for a result (the caller failed).
    public func abandon() {
        _ = close(droppingWaiting: true)
    }

    /// Tells the recording thread no more entries come (dropping those not yet recorded, if
    /// asked), waits until it has stopped, and returns what recording failed with, if anything.
    private func close(droppingWaiting: Bool) -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        if droppingWaiting { waiting.removeAll() }
        condition.broadcast()
        while !done { condition.wait() }
        return failure
    }

    private func hand(_ entries: [ReplayEntry]) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= PipelinedReplay.chunksWaitingMax && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting.append(entries)
        condition.broadcast()
    }

    private func record() {
        while true {
            condition.lock()
            while waiting.isEmpty && !closed { condition.wait() }
            if waiting.isEmpty {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let entries = waiting.removeFirst()
            condition.broadcast()
            let failed = failure != nil
            condition.unlock()
            guard !failed else { continue }
            do {
                for entry in entries { try step(&ledger, entry) }
            } catch {
                condition.lock()
                failure = error
                waiting.removeAll()
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
