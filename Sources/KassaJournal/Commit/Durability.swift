/// When a committed batch is acknowledged.
public enum Durability: Sendable, Equatable {
    /// After `fdatasync` returns: survives a power cut. The default.
    case fsync
    /// After `write()`, with `fdatasync` at most every `intervalMs` milliseconds: a power cut can
    /// lose up to that much acknowledged work; a process crash loses nothing.
    case interval(milliseconds: Int)
}
