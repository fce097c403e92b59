import Foundation
import KassaCore

/// Records journal entries into a Ledger on a second thread while the caller reads, checks and
/// decodes the next ones: recovery's two halves (scan and decode, then replay) each take about
/// half the time, so on two cores they overlap. Entries are recorded in the order added.
///
/// The Ledger belongs to the recording thread until `finish()` returns it.
public final class PipelinedReplay: @unchecked Sendable {
    /// Records one entry (replay it, or rebuild the receipt index from it); the entry is
    /// handed over, so that recording it need not copy it.
    public typealias Step = @Sendable (inout Ledger, consuming ReplayEntry) throws -> Void

    /// Most entries a chunk holds, and chunks that may wait: the reader is never more than
    /// `chunksWaitingMax + 1` chunks ahead of the recording thread, so a long journal never
    /// sits decoded in memory: at most 36,864 entries of 256 bytes (9.4 MB), and for sales
    /// their packed bytes, about 0.7 KB a 30-line sale (25 MB).
    static let chunkEntries = 4096
    static let chunksWaitingMax = 8
    /// Entries after which a chunk is offered to the recording thread, and every as many after
    /// that. It takes the chunk at once when fewer than `chunksBusy` chunks wait, so that it
    /// never waits long for work; otherwise the reader goes on filling it, up to
    /// `chunkEntries`. Where entries are read faster than they are recorded (customers
    /// enrolled, at the start of a journal) the reader so runs up to 36,000 entries ahead
    /// instead of 4,500, and goes on to the sales after them while the recording thread is
    /// still busy with the customers; it waited for the recording thread there for about a
    /// tenth of the replay.
    static let chunkEntriesOffered = 512
    static let chunksBusy = 2

    private let step: Step
    private let condition = NSCondition()
    private var ledger: Ledger
    private var waiting: [ReplayChunk] = []
    /// Chunks the recording thread has emptied, for the reader to fill again: a new chunk for
    /// every chunk handed over, allocated on one thread and freed on the other, cost both threads
    /// time in the allocator.
    private var emptied: [ReplayChunk] = []
    private var closed = false
    private var done = false
    private var failure: (any Error)?
    private var chunk = ReplayChunk(capacity: PipelinedReplay.chunkEntries)

    /// Starts the recording thread over `ledger`.
    public init(ledger: Ledger, step: @escaping Step) {
        self.ledger = ledger
        self.step = step
        let thread = Thread { [self] in self.record() }
        thread.name = "kassa-replay"
        thread.start()
    }

    /// Adds the next decoded entry; throws what recording failed with, so that the caller stops
    /// reading the journal at once.
    public func add(_ entry: consuming ReplayEntry) throws {
        chunk.append(entry)
        guard chunk.count % PipelinedReplay.chunkEntriesOffered == 0 else { return }
        // Handed over whole, so that the recording thread holds the chunk alone and empties it.
        chunk = try hand(chunk, whole: chunk.isFull)
    }

    /// Adds the next decoded entry (`add(_: ReplayEntry)`).
    public func add(_ entry: LedgerEntry) throws { try add(.decoded(entry)) }

    /// Hands over what is left, waits until every entry is recorded, and returns the Ledger or
    /// the first error recording met.
    public func finish() throws -> Ledger {
        if !chunk.isEmpty {
            // A failure here is the recording thread's, which `close` returns just below.
            _ = try? hand(chunk, whole: true)
            chunk = ReplayChunk(capacity: PipelinedReplay.chunkEntries)
        }
        if let failure = close(droppingWaiting: false) { throw failure }
        // Moved out, not copied: a copy left here would share the Ledger's storage until this
        // object goes, so the caller's first change could copy every table, and the last
        // reference, dropped by the recording thread as it exits, would free them all there.
        var recovered = Ledger()
        swap(&recovered, &ledger)
        return recovered
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

    /// Queues `entries` for recording and returns an empty chunk to fill next (one the
    /// recording thread emptied, if there is one). Unless `whole` (the chunk is full, or the
    /// last), the chunk is only offered: while the recording thread has work waiting it is
    /// returned to be filled further.
    @discardableResult
    private func hand(_ entries: ReplayChunk, whole: Bool) throws -> ReplayChunk {
        condition.lock()
        defer { condition.unlock() }
        if !whole, waiting.count >= PipelinedReplay.chunksBusy, failure == nil { return entries }
        while waiting.count >= PipelinedReplay.chunksWaitingMax && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting.append(entries)
        condition.broadcast()
        return emptied.popLast() ?? ReplayChunk(capacity: PipelinedReplay.chunkEntries)
    }

    private func record() {
        // Held in a local while recording, so that recording an entry is not an access to
        // this object's property checked for exclusivity; put back before `done` is set.
        var ledger = Ledger()
        swap(&ledger, &self.ledger)
        var recorded: ReplayChunk?
        while true {
            condition.lock()
            if let chunk = recorded, emptied.count < PipelinedReplay.chunksWaitingMax {
                emptied.append(chunk)
            }
            recorded = nil
            while waiting.isEmpty && !closed { condition.wait() }
            if waiting.isEmpty {
                swap(&ledger, &self.ledger)
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
                // Emptied here, each entry moved out as it is recorded, and handed back at the
                // next turn under the lock.
                try entries.consume { entry throws in try step(&ledger, entry) }
                recorded = entries
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
