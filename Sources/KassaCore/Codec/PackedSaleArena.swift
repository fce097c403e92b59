/// Memory that replay's reading thread packs sales into, many sales to one allocation, handed
/// with them to the recording thread.
///
/// One allocation a sale, made on one thread and freed on the other, had the two threads
/// waiting on the allocator's lock. An arena is written only by the reading thread, each sale
/// into bytes no one has seen yet, and read by the recording thread only after the sale was
/// handed over (under `PipelinedReplay`'s lock); a sale keeps its arena alive. Only the
/// reading thread touches `used`.
final class PackedSaleArena: @unchecked Sendable {
    /// Bytes in an arena unless a sale needs more.
    static let bytesDefault = 1 << 20

    private let base: UnsafeMutableRawPointer
    /// Bytes allocated.
    let capacity: Int
    /// Bytes written so far; the next sale goes here.
    private(set) var used = 0

    /// An arena of `capacity` bytes.
    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Bytes not yet written.
    var remaining: Int { capacity - used }

    /// Runs `body` with a writer over the next `bound` bytes, and keeps what it wrote; gives
    /// where that starts. `bound` must not exceed `remaining`.
    func append<E: Error>(bound: Int, _ body: (inout FixedBufferWriter) throws(E) -> Void) throws(E) -> Int {
        precondition(bound <= remaining, "a packed sale was given more room than its arena has")
        var writer = FixedBufferWriter(UnsafeMutableRawBufferPointer(start: base + used, count: bound))
        try body(&writer)
        let start = used
        used += writer.count
        return start
    }

    /// The `count` bytes written at `start`; valid while the arena is. Checked against the
    /// capacity, not against `used`: the recording thread calls this while the reading thread
    /// may be moving `used` on.
    func bytes(at start: Int, count: Int) -> UnsafeRawBufferPointer {
        precondition(start >= 0 && count >= 0 && start + count <= capacity, "a packed sale lies outside its arena; memory can no longer be trusted")
        return UnsafeRawBufferPointer(start: base + start, count: count)
    }
}
