/// Kassa's in-memory state of sales and customers, changed only by `apply` and `replay`.
///
/// `apply` is pure and deterministic: given the same state, command and time it returns the same
/// outcome. It checks the command against the state without changing anything, builds the event
/// to journal, and only then records the event, so a refused command leaves no trace. `replay`
/// records journaled events without pricing or validating again, which is how recovery rebuilds
/// exactly the state the live process had.
public struct Ledger: Sendable, Equatable {
    /// The bounds in force.
    public let limits: LedgerLimits
    /// Sequence number of the last entry recorded (0 for an empty ledger).
    public private(set) var lastSeq: UInt64 = 0
    /// Enrolled customers with their aggregates.
    public internal(set) var customers = CustomerTable()
    /// The catalog.
    public internal(set) var catalog = Catalog()
    /// Receipts kept for idempotency, returns and voids.
    public internal(set) var receipts = ReceiptIndex()
    /// Shifts per terminal.
    public internal(set) var shifts: [String: ShiftState] = [:]
    /// Totals since the data dir was created.
    public internal(set) var stats = LedgerStats()
    /// The loyalty rules in force (nil until the first document is put in force).
    public internal(set) var rules: RulesRecord?
    /// The receipts of each import applied so far.
    public internal(set) var imports = SalesImports()
    /// Customers and products changed since the last `takeChanges()`: what the next
    /// incremental snapshot must write.
    public internal(set) var changes = LedgerChanges()

    /// An empty ledger with `limits`.
    public init(limits: LedgerLimits = LedgerLimits()) { self.limits = limits }

    /// Checks `command` against the state at server time `now`; when it is accepted, records
    /// its event and returns the entry to journal with the answer. The same as `prepare`
    /// followed by `commit`.
    public mutating func apply(_ command: consuming LedgerCommand, at now: Timestamp, pricing: some SalePricing) -> LedgerOutcome {
        // `prepare` and `commit` spelled out: through `LedgerPrepared`, the sale's event (some
        // two hundred bytes) was copied twice more on every sale.
        do {
            switch try decide(command, at: now, pricing: pricing, precheck: nil) {
            case .duplicate(let answer): return .duplicate(answer)
            case .record(let event):
                let entry = LedgerEntry(seq: lastSeq + 1, at: now, event: event)
                return .applied(entry, commit(entry))
            }
        } catch {
            return .rejected(error)
        }
    }

    /// The first half of `apply`: decides what `command` would do, changing nothing. The journal
    /// writer uses it to make room for the entry on disk before anything is recorded, so a full
    /// disk refuses the command with the state unchanged.
    /// `precheck` is `SalePrecheck(receipt, limits: limits)` of a sale, computed earlier on
    /// another thread; it must be of this very receipt.
    public func prepare(_ command: consuming LedgerCommand, at now: Timestamp, pricing: some SalePricing,
                        precheck: SalePrecheck? = nil) -> LedgerPrepared {
        do {
            switch try decide(command, at: now, pricing: pricing, precheck: precheck) {
            case .duplicate(let answer): return .duplicate(answer)
            case .record(let event): return .record(LedgerEntry(seq: lastSeq + 1, at: now, event: event))
            }
        } catch {
            return .rejected(error)
        }
    }

    /// The second half of `apply`: records an entry that `prepare` returned on this same state.
    public mutating func commit(_ entry: LedgerEntry) -> LedgerAnswer {
        record(entry)
    }

    /// Records a journaled entry; entries must come in sequence order without gaps.
    public mutating func replay(_ entry: LedgerEntry) throws(LedgerReplayError) {
        guard entry.seq == lastSeq + 1 else { throw LedgerReplayError(expected: lastSeq + 1, found: entry.seq) }
        _ = record(entry)
    }

    /// Records a journaled entry as `replay(_: LedgerEntry)` does; a sale goes from its journal
    /// bytes straight into the receipt index. Taken, not borrowed: matching a borrowed entry
    /// copied its payload out first, retaining what the sale holds on every sale.
    public mutating func replay(_ entry: consuming ReplayEntry) throws(LedgerReplayError) {
        switch consume entry {
        case .decoded(let entry): try replay(entry)
        case .sale(let sale):
            guard sale.seq == lastSeq + 1 else { throw LedgerReplayError(expected: lastSeq + 1, found: sale.seq) }
            record(sale, indexOnly: false)
        }
    }

    /// Rebuilds the receipt index from a journal entry as `restoreIndex(_: LedgerEntry)` does.
    public mutating func restoreIndex(_ entry: consuming ReplayEntry) {
        switch consume entry {
        case .decoded(let entry): restoreIndex(entry)
        case .sale(let sale): record(sale, indexOnly: true)
        }
    }

    /// Sets the sequence number after loading a snapshot taken at `seq`.
    public mutating func restore(lastSeq seq: UInt64) { lastSeq = seq }

    /// Rebuilds the receipt index from a journal entry at or before the snapshot being loaded,
    /// without touching customers, shifts or totals (the snapshot holds those already).
    /// Feed it every entry from `receipts.oldestSeqHeld` of the snapshot on, in order.
    public mutating func restoreIndex(_ entry: LedgerEntry) {
        _ = record(entry, indexOnly: true)
    }

    /// Hands over the set of changed customers and products and starts a new one.
    public mutating func takeChanges() -> LedgerChanges {
        defer { changes = LedgerChanges() }
        return changes
    }

    /// Puts loaded state in place (snapshot recovery); only for an empty ledger.
    public mutating func load(customers: CustomerTable, catalog: Catalog, shifts: [String: ShiftState], stats: LedgerStats,
                              rules: RulesRecord? = nil, imports: SalesImports = SalesImports()) {
        precondition(lastSeq == 0 && self.customers.count == 0, "a snapshot loads into an empty ledger only")
        self.rules = rules
        self.customers = customers
        self.customers.forgetNamedCategories()
        self.catalog = catalog
        self.shifts = shifts
        self.stats = stats
        self.imports = imports
    }

    enum Decision {
        case duplicate(LedgerAnswer)
        case record(LedgerEvent)
    }

    private func decide(_ command: consuming LedgerCommand, at now: Timestamp, pricing: some SalePricing,
                        precheck: SalePrecheck?) throws(LedgerError) -> Decision {
        // Matched as consumed: a borrowed command's payload is copied out first, which
        // retains and releases each of a receipt's strings and arrays on every sale.
        switch consume command {
        case .enrol(let customer): return try decideEnrol(customer)
        case .sale(let receipt): return try decideSale(receipt, pricing: pricing, precheck: precheck)
        case .saleReturn(let request): return try decideReturn(request)
        case .void(let request): return try decideVoid(request)
        case .upsertProducts(let products): return try decideUpsert(products)
        case .openShift(let terminal): return try decideOpenShift(terminal)
        case .closeShift(let terminal): return try decideCloseShift(terminal)
        case .audit(let record): return .record(.audited(record))
        case .replaceRules(let change): return try decideRules(change, at: now, pricing: pricing)
        case .importSale(let sale): return try decideImport(sale)
        }
    }

    private mutating func record(_ entry: LedgerEntry, indexOnly: Bool = false) -> LedgerAnswer {
        if !indexOnly {
            precondition(entry.seq == lastSeq + 1, "ledger entries must be recorded in sequence; memory can no longer be trusted")
            lastSeq = entry.seq
        }
        let answer: LedgerAnswer
        switch entry.event {
        case .customerEnrolled(let customer): answer = indexOnly ? .products(count: 0) : recordEnrol(customer)
        case .saleRegistered(let sale): answer = recordSale(sale, seq: entry.seq, at: entry.at, indexOnly: indexOnly)
        case .returnRegistered(let record): answer = recordReturn(record, seq: entry.seq, at: entry.at, indexOnly: indexOnly)
        case .saleVoided(let record): answer = recordVoid(record, seq: entry.seq, at: entry.at, indexOnly: indexOnly)
        case .productsUpserted(let products): answer = indexOnly ? .products(count: 0) : recordUpsert(products)
        case .shiftOpened(let terminal): answer = indexOnly ? .products(count: 0) : recordOpenShift(terminal, at: entry.at)
        case .shiftClosed(let terminal): answer = indexOnly ? .products(count: 0) : recordCloseShift(terminal, at: entry.at)
        case .audited: answer = .audited(seq: entry.seq)
        case .rulesReplaced(let record): answer = indexOnly ? .products(count: 0) : recordRules(record)
        case .saleImported(let record): answer = recordImport(record, indexOnly: indexOnly)
        }
        receipts.evict(today: entry.at.localDay, windowDays: limits.receiptWindowDays, countMax: limits.receiptIndexMax)
        return answer
    }
}

extension Ledger {
    /// `record(_: LedgerEntry, indexOnly:)` for a sale in its journal bytes.
    private mutating func record(_ sale: JournaledSale, indexOnly: Bool) {
        if !indexOnly {
            precondition(sale.seq == lastSeq + 1, "ledger entries must be recorded in sequence; memory can no longer be trusted")
            lastSeq = sale.seq
        }
        recordSale(sale, indexOnly: indexOnly)
        receipts.evict(today: sale.at.localDay, windowDays: limits.receiptWindowDays, countMax: limits.receiptIndexMax)
    }
}

/// A journal entry out of order: the journal and the Ledger disagree, recovery must stop.
public struct LedgerReplayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sequence number the Ledger needed next.
    public var expected: UInt64
    /// The one it got.
    public var found: UInt64

    /// `expected …, found …`.
    public var description: String { "journal entry out of sequence: expected \(expected), found \(found)" }
}

/// The keys changed since the last snapshot.
public struct LedgerChanges: Hashable, Sendable {
    /// Customers enrolled or whose aggregates changed.
    public var customers = CardSet()
    /// Products inserted or replaced.
    public var products: Set<SKU> = []

    /// Nothing changed.
    public init() {}
}

/// A terminal's shifts: the open one, and the last closed one for its Z-report.
public struct ShiftState: Hashable, Sendable {
    /// The open shift, if any.
    public var open: ShiftTotals?
    /// The most recently closed shift.
    public var lastClosed: ShiftTotals?
    /// Number the next shift gets.
    public var nextNumber: Int64 = 1

    /// A terminal that never had a shift.
    public init() {}
}
