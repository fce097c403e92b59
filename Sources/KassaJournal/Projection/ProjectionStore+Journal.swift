import KassaCore

extension ProjectionStore {
    /// Projects the journal records `reader` holds through `limit` into the history tables, in
    /// transactions of at most `batchMax` records; returns how many it projected. The projector
    /// calls it with the writer's durable position as `limit`; the benchmarks call it too.
    @discardableResult
    public func projectHistory(from reader: JournalReader, upTo limit: UInt64, batchMax: Int) throws -> Int {
        precondition(batchMax > 0, "a history batch holds at least one record")
        var batch: [LedgerEntry] = []
        batch.reserveCapacity(min(batchMax, 1024))
        var projected = 0
        while reader.nextSeq <= limit {
            try reader.read(upTo: min(limit, reader.nextSeq + UInt64(batchMax) - 1)) { seq, payload in
                batch.append(try LedgerEntryCodec.decode(seq: seq, payload: payload))
            }
            if batch.isEmpty { break }
            try writeHistory(batch)
            projected += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        return projected
    }
}
