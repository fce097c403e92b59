/// What the group committer needs from the write-ahead log: room checks before anything is
/// recorded, buffered appends, one write per batch and one sync per batch.
///
/// The journal's segmented log (`JournalWriter`) implements it.
public protocol CommitLog: AnyObject {
    /// The largest payload a record may carry.
    var recordBytesMax: Int { get }
    /// Whether a record with `payloadBytes` fits the current segment after what is buffered and
    /// `reservedBytes` more (records promised room but not yet appended, in whole record bytes:
    /// `SegmentFormat.recordSize`). Safe to call from a thread other than the appending one, as
    /// long as segments do not roll meanwhile.
    func canAppend(payloadBytes: Int, reservedBytes: Int) -> Bool
    /// Makes room for a record of `payloadBytes`: writes and syncs what is pending and starts
    /// the next segment. Throws (an out-of-space error, or another) and changes nothing when it
    /// cannot.
    func ensureCapacity(forPayloadBytes payloadBytes: Int) throws
    /// Buffers one record with the next sequence number and returns that number.
    func append(_ payload: UnsafeRawBufferPointer) throws -> UInt64
    /// Writes every buffered record to the file.
    func flush() throws
    /// Makes everything written before the call durable (`fdatasync`) and returns the last
    /// sequence number it covers. May run on another thread while the appender writes, but not
    /// while it rolls segments (`ensureCapacity`).
    @discardableResult
    func sync() throws -> UInt64
    /// The sequence number of the last record appended.
    var lastSeq: UInt64 { get }
    /// Whether an error is "the disk is full" (retry later) rather than a broken disk.
    func isOutOfSpace(_ error: any Error) -> Bool
}
