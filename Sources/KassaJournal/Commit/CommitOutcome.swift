import KassaCore

/// What the writer answers a submitted command, once it is settled.
public enum CommitOutcome: Sendable {
    /// Applied and durable (under the configured durability): `created` is false for a retry
    /// that answered the original result.
    case done(LedgerAnswer, created: Bool)
    /// Refused by the Ledger; nothing changed.
    case rejected(LedgerError)
    /// Not applied because storage cannot take it now; nothing changed.
    case unavailable(StorageUnavailable)
}

/// Why the writer could not take a command. Nothing was applied.
public struct StorageUnavailable: Error, Sendable, CustomStringConvertible {
    /// The kind of trouble.
    public enum Reason: Sendable, Equatable {
        /// The disk (or file size limit) is full; retry once space returns.
        case outOfSpace
        /// A write or fsync failed; the writer stopped for good, restart recovers from disk.
        case failed
        /// Too many commands are waiting; retry shortly.
        case overloaded
        /// The writer is shutting down.
        case stopping
    }

    /// The kind of trouble.
    public var reason: Reason
    /// What happened and what to do, for the operator.
    public var message: String

    /// A refusal for `reason`.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
