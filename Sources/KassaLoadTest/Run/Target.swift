/// What a sale came to, as the system that registered it answered.
public struct SaleOutcome: Sendable, Equatable {
    public var total: Int64
    public var pointsEarned: Int64
    public var pointsSpent: Int64
    /// The answer was the original result of an earlier attempt with the same id (HTTP 200).
    public var replayed: Bool

    public init(total: Int64, pointsEarned: Int64 = 0, pointsSpent: Int64 = 0, replayed: Bool = false) {
        self.total = total
        self.pointsEarned = pointsEarned
        self.pointsSpent = pointsSpent
        self.replayed = replayed
    }
}

/// What a return or a void gave back.
public struct RefundOutcome: Sendable, Equatable {
    public var refund: Int64
    public var pointsEarnedReversed: Int64
    public var pointsSpentRestored: Int64
    public var replayed: Bool

    public init(refund: Int64, pointsEarnedReversed: Int64 = 0, pointsSpentRestored: Int64 = 0, replayed: Bool = false) {
        self.refund = refund
        self.pointsEarnedReversed = pointsEarnedReversed
        self.pointsSpentRestored = pointsSpentRestored
        self.replayed = replayed
    }
}

/// The totals a system reports of itself, to check against what the tool was told.
public struct SystemTotals: Sendable, Equatable {
    public var receipts: Int64
    public var revenue: Int64
    public var pointsEarned: Int64
    public var pointsSpent: Int64
    public var returns: Int64
    public var voids: Int64

    public init(receipts: Int64 = 0, revenue: Int64 = 0, pointsEarned: Int64 = 0, pointsSpent: Int64 = 0, returns: Int64 = 0, voids: Int64 = 0) {
        self.receipts = receipts
        self.revenue = revenue
        self.pointsEarned = pointsEarned
        self.pointsSpent = pointsSpent
        self.returns = returns
        self.voids = voids
    }

    public static func - (a: SystemTotals, b: SystemTotals) -> SystemTotals {
        SystemTotals(receipts: a.receipts - b.receipts, revenue: a.revenue - b.revenue, pointsEarned: a.pointsEarned - b.pointsEarned,
                     pointsSpent: a.pointsSpent - b.pointsSpent, returns: a.returns - b.returns, voids: a.voids - b.voids)
    }
}

/// A refusal the system answered (an HTTP status and the contract's error code), as opposed to
/// a transport failure, which is retried.
public struct Refusal: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String

    public init(status: Int, code: String, message: String = "") {
        self.status = status
        self.code = code
        self.message = message
    }
}

/// A system under load: Kassa over HTTP, or one of the baselines. `prepare` loads the catalog and
/// the members before the clock starts; each worker then opens its own session.
public protocol LoadTarget: AnyObject, Sendable {
    /// "kassa", "postgres" or "sqlite".
    var name: String { get }
    /// One line on what this target is and its durability ("fdatasync before every answer").
    var summary: String { get }
    /// Loads the catalog and the members, reporting progress as (done, total).
    func prepare(_ workload: Workload, progress: @escaping @Sendable (Int, Int) -> Void) async throws
    func openSession() async throws -> any LoadSession
    /// The system's own totals (for Kassa, `GET /v1/stats`).
    func totals() async throws -> SystemTotals
    /// Stops what the target started (a server, a database cluster) and removes its files.
    func shutdown() async
}

/// One connection's worth of work. A session is used by one worker at a time. Transport errors
/// are thrown as they are; refusals as `Refusal`.
public protocol LoadSession: AnyObject, Sendable {
    /// Prices the basket; answers the total to pay.
    func quote(_ sale: SaleDraft, at: String) async throws -> Int64
    /// Registers the sale in one durable step; `payment` is the amount paid by card, if known.
    func sale(_ sale: SaleDraft, at: String, payment: Int64?) async throws -> SaleOutcome
    func saleReturn(_ draft: ReturnDraft, at: String) async throws -> RefundOutcome
    func void(_ draft: VoidDraft, at: String) async throws -> RefundOutcome
    /// A staff member opens the customer card.
    func lookup(card: String) async throws
    func closeShift(store: String, terminal: String) async throws
    func close() async
    /// Where the worker using this session runs best (the thread its connection lives on), or
    /// nil for Swift's task pool.
    var executor: (any TaskExecutor)? { get }
}

extension LoadSession {
    public var executor: (any TaskExecutor)? { nil }
}
