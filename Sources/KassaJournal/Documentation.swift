// KassaJournal: the write-ahead log under `Log/` (segments, framing, checksums, recovery scan),
// the group-committing writer that feeds it from the Ledger, and the SQLite projection.
