import KassaJournal

/// The lane's durable queue of sales: every sale is written here and fsynced before its receipt
/// is printed, and leaves only when the server has acknowledged it. It is a journal like the
/// server's (checksummed records in preallocated segments, a torn tail cut on open), so a lane
/// killed at any moment comes back with every sale it had taken, in order.
///
/// Records: a sale (its id and the request body), a replacement body for a sale the server
/// refused in a form the lane can mend, "sent" (the server has it) and "printed" (the receipt
/// came out). Opening replays them into the list of sales not yet sent and not yet printed.
public final class LaneOutbox {
    /// One sale waiting for the server or for the printer.
    public struct Entry: Sendable, Equatable {
        /// The receipt id (the sale's `id`).
        public var id: String
        /// The request body, exactly as it will be sent (retries send the same bytes).
        public var body: [UInt8]
        /// The journal position of the sale's record.
        public var seq: UInt64
    }

    /// Most sales waiting at once; beyond it the lane stops selling rather than lose track.
    public static let entriesMax = 100_000

    private let writer: JournalWriter
    private var entries: [Entry] = []
    private var sent: Set<String> = []
    private var printed: Set<String> = []
    private var known: Set<String> = []

    /// Sales the server does not have yet, oldest first.
    public var unsent: [Entry] { entries.filter { !sent.contains($0.id) } }
    /// The oldest sale the server does not have yet (sales ahead of it are only waiting for the
    /// printer, so this looks at few entries).
    public var firstUnsent: Entry? { entries.first { !sent.contains($0.id) } }
    /// Sales whose receipt has not come out yet, oldest first.
    public var unprinted: [Entry] { entries.filter { !printed.contains($0.id) } }
    /// Whether `id` was taken by this lane (and is still remembered here).
    public func contains(_ id: String) -> Bool { known.contains(id) }

    /// Opens (or creates) the outbox in `directory`. A torn tail from a crash is cut; damage in
    /// the middle throws, naming the file and offset, and the lane does not start.
    public init(directory: String) throws {
        var replayed: [(UInt64, [UInt8])] = []
        let options = JournalWriter.Options(segmentBytes: 4 << 20, recordBytesMax: 1 << 20)
        let opened = try Journal.open(directory: directory, options: options, visit: { seq, payload in
            replayed.append((seq, [UInt8](payload)))
        })
        writer = opened.writer
        for (seq, payload) in replayed { try apply(OutboxRecord(decoding: payload), seq: seq) }
    }

    /// Adds a sale and makes it durable before returning.
    public func add(id: String, body: [UInt8]) throws {
        guard !known.contains(id) else { throw OutboxError("sale \(id) is already in the outbox") }
        guard entries.count < Self.entriesMax else {
            throw OutboxError("\(Self.entriesMax) sales are waiting for the server; the lane stops selling until they are sent")
        }
        let seq = try append(.sale(id: id, body: body))
        try apply(.sale(id: id, body: body), seq: seq)
    }

    /// Replaces the body of an unsent sale (the server refused it in a form the lane can mend).
    public func replace(id: String, body: [UInt8]) throws {
        guard let index = entries.firstIndex(where: { $0.id == id }), !sent.contains(id) else {
            throw OutboxError("sale \(id) is not waiting to be sent")
        }
        let seq = try append(.replace(id: id, body: body))
        entries[index].body = body
        _ = seq
    }

    /// Records that the server has the sale.
    public func markSent(_ id: String) throws {
        guard known.contains(id), !sent.contains(id) else { return }
        _ = try append(.sent(id: id))
        sent.insert(id)
        try forgetIfSettled(id)
    }

    /// Records that the sale's receipt came out of the printer.
    public func markPrinted(_ id: String) throws {
        guard known.contains(id), !printed.contains(id) else { return }
        _ = try append(.printed(id: id))
        printed.insert(id)
        try forgetIfSettled(id)
    }

    private func append(_ record: OutboxRecord) throws -> UInt64 {
        let payload = record.encoded()
        if !writer.canAppend(payloadBytes: payload.count) { try writer.ensureCapacity(forPayloadBytes: payload.count) }
        let seq = try payload.withUnsafeBytes { try writer.append($0) }
        try writer.flush()
        try writer.sync()
        return seq
    }

    private func apply(_ record: OutboxRecord, seq: UInt64) throws {
        switch record {
        case .sale(let id, let body):
            guard !known.contains(id) else { return }
            known.insert(id)
            entries.append(Entry(id: id, body: body, seq: seq))
        case .replace(let id, let body):
            if let index = entries.firstIndex(where: { $0.id == id }) { entries[index].body = body }
        case .sent(let id):
            sent.insert(id)
        case .printed(let id):
            printed.insert(id)
        }
        switch record {
        case .sent(let id), .printed(let id): dropIfSettled(id)
        case .sale, .replace: break
        }
    }

    /// A sale both sent and printed is done; segments holding only done records go.
    private func forgetIfSettled(_ id: String) throws {
        guard dropIfSettled(id) else { return }
        _ = try writer.removeSegments(coveredBefore: entries.first?.seq ?? (writer.lastSeq + 1))
    }

    /// Drops the entry of `id` once it is both sent and printed; true when it did. Ids stay
    /// known while their records may still be replayed.
    @discardableResult
    private func dropIfSettled(_ id: String) -> Bool {
        guard sent.contains(id), printed.contains(id), let index = entries.firstIndex(where: { $0.id == id }) else { return false }
        entries.remove(at: index)
        return true
    }
}

/// The outbox cannot take or find a sale.
public struct OutboxError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
