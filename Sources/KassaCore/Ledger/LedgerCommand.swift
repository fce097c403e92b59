/// A request to change the Ledger. Every state change in Kassa is one of these, applied by the
/// one writer in order.
public enum LedgerCommand: Hashable, Sendable {
    /// Enrol a loyalty customer.
    case enrol(Customer)
    /// Register a closed receipt.
    case sale(Receipt)
    /// Return lines of an earlier sale.
    case saleReturn(SaleReturn)
    /// Cancel a whole earlier sale.
    case void(SaleVoid)
    /// Insert or replace catalog items.
    case upsertProducts([Product])
    /// Open a terminal's shift explicitly (a sale opens it too).
    case openShift(terminal: String)
    /// Close a terminal's shift; answers the Z-report.
    case closeShift(terminal: String)
    /// Record an audit log line (a read of a customer card, a token issued).
    case audit(AuditRecord)
    /// Put a loyalty rules document in force.
    case replaceRules(RulesChange)
    /// Record one receipt of another system's history (`kassa import sales`).
    case importSale(ImportedSale)
}

/// A change the Ledger made, as written to the journal. Replaying entries in order rebuilds
/// the Ledger exactly; no pricing runs again on replay.
public enum LedgerEvent: Hashable, Sendable {
    /// A customer was enrolled.
    case customerEnrolled(Customer)
    /// A sale was registered.
    case saleRegistered(SaleRecord)
    /// A return was registered.
    case returnRegistered(ReturnRecord)
    /// A sale was voided.
    case saleVoided(VoidRecord)
    /// Catalog items were inserted or replaced.
    case productsUpserted([Product])
    /// A shift was opened.
    case shiftOpened(terminal: String)
    /// A shift was closed.
    case shiftClosed(terminal: String)
    /// An audit log line.
    case audited(AuditRecord)
    /// A rules document went into force.
    case rulesReplaced(RulesRecord)
    /// A receipt of another system's history was imported.
    case saleImported(ImportedSaleRecord)
}

/// One journal entry: the event, its sequence number and the server time it was applied at.
public struct LedgerEntry: Hashable, Sendable {
    /// Position in the journal, from 1, contiguous.
    public var seq: UInt64
    /// Server time of the change (drives the receipt window and shift times).
    public var at: Timestamp
    /// What changed.
    public var event: LedgerEvent

    /// An entry.
    public init(seq: UInt64, at: Timestamp, event: LedgerEvent) {
        self.seq = seq
        self.at = at
        self.event = event
    }
}

/// What the Ledger answers for a command.
public enum LedgerAnswer: Hashable, Sendable {
    /// The customer (enrolment).
    case customer(CustomerAccount)
    /// The sale as registered.
    case sale(SaleRecord)
    /// The return as registered.
    case saleReturn(ReturnRecord)
    /// The void as registered.
    case void(VoidRecord)
    /// How many products were upserted.
    case products(count: Int)
    /// The shift: open (X-report) or just closed (Z-report).
    case shift(ShiftTotals)
    /// The audit line was journaled at `seq`.
    case audited(seq: UInt64)
    /// The rules in force (the new version, or the current one when the same document came again).
    case rules(RulesRecord)
    /// The imported receipt at `ordinal`; `enrolled` when its card was enrolled by it.
    case saleImported(ordinal: UInt32, enrolled: Bool)
}

/// The result of applying a command.
public enum LedgerOutcome: Hashable, Sendable {
    /// Applied: journal `entry`, then answer.
    case applied(LedgerEntry, LedgerAnswer)
    /// A retry of something already applied: nothing to journal, answer the original result.
    case duplicate(LedgerAnswer)
    /// Refused; nothing changed.
    case rejected(LedgerError)
}

/// What `Ledger.prepare` decided; nothing has changed yet.
public enum LedgerPrepared: Hashable, Sendable {
    /// Accepted: journal `entry`, then `Ledger.commit` it.
    case record(LedgerEntry)
    /// A retry of something already applied: answer the original result.
    case duplicate(LedgerAnswer)
    /// Refused.
    case rejected(LedgerError)
}
