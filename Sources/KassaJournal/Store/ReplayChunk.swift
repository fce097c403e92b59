import KassaCore

/// Entries handed from recovery's reading thread to its recording thread together, each moved
/// in once and moved out once.
///
/// An array of entries copied every entry out as it was recorded and destroyed it again when
/// emptied: each copy retained what the entry holds (a sale's packing memory, which the
/// reading thread is retaining for the sales after it at the same moment) and each
/// destruction released it, cache lines passed between the two threads on every sale. Here an
/// entry is initialized in place by the reader and moved out by the recorder, so the recorder
/// releases what a sale holds once, when it is done with it.
///
/// Used by one thread at a time: filled by the reader, handed over under `PipelinedReplay`'s
/// lock, emptied by the recorder, handed back under the lock.
final class ReplayChunk: @unchecked Sendable {
    private let entries: UnsafeMutablePointer<ReplayEntry>
    /// Entries the chunk holds at most.
    let capacity: Int
    /// Entries held, from the start.
    private(set) var count = 0

    /// An empty chunk with room for `capacity` entries.
    init(capacity: Int) {
        precondition(capacity > 0, "a replay chunk holds at least one entry")
        self.capacity = capacity
        entries = UnsafeMutablePointer<ReplayEntry>.allocate(capacity: capacity)
    }

    deinit {
        entries.deinitialize(count: count)
        entries.deallocate()
    }

    /// Whether the chunk holds `capacity` entries.
    var isFull: Bool { count == capacity }

    /// Whether the chunk holds no entry.
    var isEmpty: Bool { count == 0 }

    /// Moves `entry` in after the others; the chunk must not be full.
    func append(_ entry: consuming ReplayEntry) {
        precondition(count < capacity, "a replay chunk was filled past its capacity; memory can no longer be trusted")
        (entries + count).initialize(to: entry)
        count += 1
    }

    /// Moves every entry out in order into `body`, leaving the chunk empty. When `body` throws,
    /// the entries after the one it threw on are dropped and the error is rethrown.
    func consume<E: Error>(_ body: (consuming ReplayEntry) throws(E) -> Void) throws(E) {
        let held = count
        // Counted out first: from here each entry is moved out exactly once, or dropped below.
        count = 0
        var index = 0
        do {
            while index < held {
                let entry = (entries + index).move()
                index += 1
                try body(entry)
            }
        } catch {
            (entries + index).deinitialize(count: held - index)
            throw error
        }
    }
}
