/// What the group committer needs from the write-ahead log: room checks before anything is
/// applied, buffered appends, one write per batch and one sync per batch.
///
/// The journal's segmented log implements it; tests may put a failing log behind it.
public protocol CommitLog: AnyObject {
    /// Bytes that can still be appended to the current segment without rolling.
    var remainingBytes: Int { get }
    /// Makes sure `bytes` more fit, creating the next segment if needed; throws `outOfSpace`
    /// (or another error) and changes nothing when it cannot.
    func ensureCapacity(forBytes bytes: Int) throws
    /// Buffers one record with the next sequence number and returns that number.
    func append(_ payload: UnsafeRawBufferPointer) throws -> UInt64
    /// Writes every buffered record to the file.
    func flush() throws
    /// Makes everything written durable (`fdatasync`).
    func sync() throws
    /// The sequence number of the last record appended.
    var lastSeq: UInt64 { get }
    /// Whether an error is "the disk is full" (retry later) rather than a broken disk.
    func isOutOfSpace(_ error: any Error) -> Bool
}
