/// A buffer that several threads write at once, each only at indexes no other thread touches.
///
/// This is the one place in the lifetime models that vouches for thread safety by hand: the
/// callers (the BG/NBD likelihood's per-thread sums, the batch estimates' per-customer results)
/// hand each thread its own index or range, keep the buffer alive until
/// `DispatchQueue.concurrentPerform` has returned, and read it only after that.
struct DisjointWrites<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    /// Writes `value` at `index`, which belongs to the calling thread alone.
    func write(_ value: Element, at index: Int) {
        buffer[index] = value
    }
}
