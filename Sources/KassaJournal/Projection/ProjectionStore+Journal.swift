import GRDB
import KassaCore

extension ProjectionStore {
    /// Projects the journal records `reader` holds through `limit` into the history tables, in
    /// transactions of at most `batchMax` records, and advances `history_seq` with each;
    /// records at or below it are skipped, so a repeat is harmless. Returns how many records
    /// it read. The projector calls it with the writer's durable position as `limit`; the
    /// benchmarks call it too.
    ///
    /// Records are written while the reader holds them, without a decoded copy (`SaleRows`).
    /// When it throws, the reader has moved past records whose transaction was rolled back:
    /// read again from `positions().historySeq + 1`.
    @discardableResult
    public func projectHistory(from reader: JournalReader, upTo limit: UInt64, batchMax: Int) throws -> Int {
        precondition(batchMax > 0, "a history batch holds at least one record")
        var projected = 0
        while reader.nextSeq <= limit {
            let read = try queue.write { db in
                let done = try meta(db, "history_seq")
                var last = done
                var sales = try SaleRows(db)
                let read = try reader.read(upTo: min(limit, reader.nextSeq + UInt64(batchMax) - 1)) { seq, payload in
                    guard seq > done else { return }
                    try HistoryRows.insert(seq: seq, payload: payload, sales: &sales, into: db)
                    last = seq
                }
                if last > done { try setMeta(db, "history_seq", last) }
                return read
            }
            if read == 0 { break }
            projected += read
        }
        return projected
    }
}
