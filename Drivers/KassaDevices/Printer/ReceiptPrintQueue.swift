/// The print queue of one receipt printer as a state machine: "a receipt counts as printed only
/// when the printer is ready again; a receipt interrupted by a fault is printed after the fault
/// clears, exactly once."
///
/// Transitions (`enqueue`, `bytesSent`, `writeFailed`, `statusObserved`, `statusUnavailable`,
/// `tick`) take the time as a value and return the actions the driver performs: send a job's
/// bytes, query the status, report a fault or its end to the lane, mark a job printed, or
/// abandon one.
///
/// ## Why a job is never resent after its bytes were taken
/// A printer that meets paper-out or an open cover in the middle of a receipt stops printing
/// but keeps what it received, and prints the rest when the fault clears. emupos does exactly
/// that (its `printer.py`): while a blocking fault (paper-out, cover-open, offline) is active,
/// all print data and non-real-time commands are held in order, even for a connection that
/// closes meanwhile; nothing is dropped and no receipt completes; clearing the last fault
/// processes the held data, and the cut then completes the receipt. Only real-time `DLE EOT`
/// requests are answered at once. So the paper shows the receipt once, whole, if and only if
/// the queue does not send it again. Sending it again after the fault would print it twice.
///
/// The queue therefore resends only bytes that were never taken: a write that failed (the
/// transport contract says the caller must treat it as not done). Each job starts with `ESC @`,
/// which drops a half line the printer might hold from the failed write. That is the one case
/// in which paper can show a torn first attempt before the whole receipt; it cannot be told
/// apart from a write that reached nothing, and a missing receipt is worse.
///
/// A job counts as printed when, after its bytes were taken, a status poll at least
/// `printSettleMs` later finds the printer ready (the settle time lets a real printer reach the
/// cut; emupos prints at once). A poll that finds a fault holds the job, reports the fault, and
/// keeps polling; the first ready poll after it restarts the settle time.
///
/// A printer that stops answering after taking the bytes is assumed to keep them (emupos does,
/// and a printer that was unplugged does); one that lost power has lost them, and the lane
/// offers the cashier a reprint.
public struct ReceiptPrintQueue: Sendable {
    /// How often to poll and how long to wait.
    public struct Timing: Hashable, Sendable {
        /// Time between status polls while a job waits.
        public var statusPollIntervalMs: UInt64
        /// Time after the bytes were taken (or a fault cleared) before a ready printer means
        /// the receipt is on paper.
        public var printSettleMs: UInt64
        /// Sends of one job, counting the first, before it is abandoned.
        public var sendAttemptsMax: Int

        /// Timing with the defaults.
        public init(statusPollIntervalMs: UInt64 = 500, printSettleMs: UInt64 = 1_000, sendAttemptsMax: Int = 3) {
            self.statusPollIntervalMs = statusPollIntervalMs
            self.printSettleMs = printSettleMs
            self.sendAttemptsMax = sendAttemptsMax
        }
    }

    /// What the driver must do.
    public enum Action: Hashable, Sendable {
        /// Write the job's bytes, then call `bytesSent` or `writeFailed`.
        case send(PrintJob)
        /// Poll `DLE EOT 1–4`, then call `statusObserved` or `statusUnavailable`.
        case queryStatus
        /// Tell the lane the job waits because of `fault`.
        case reportFault(jobId: String, PrinterFault)
        /// Tell the lane the fault cleared and the job goes on.
        case reportRecovered(jobId: String)
        /// The receipt is on paper.
        case markPrinted(jobId: String)
        /// The job could not be sent after `sendAttemptsMax` tries; the lane decides.
        case abandon(jobId: String, reason: String)
    }

    /// Where the job at the head of the queue is.
    public enum State: Hashable, Sendable {
        /// Nothing to print.
        case idle
        /// Asking whether the printer is ready before sending.
        case checking(PrintJob, attempt: Int)
        /// The bytes are being written.
        case sending(PrintJob, attempt: Int)
        /// The bytes were taken; waiting for a ready printer after the settle time.
        case printing(PrintJob, attempt: Int, settledAtMs: UInt64)
        /// A fault stopped the job. `bytesTaken` says whether the printer holds the bytes (then
        /// they are not sent again) or they must be sent when the fault clears.
        case held(PrintJob, attempt: Int, fault: PrinterFault, bytesTaken: Bool)
    }

    /// Jobs the queue holds, the one in progress included.
    public static let jobsMax = 32

    /// The timing in force.
    public let timing: Timing
    /// The head job's state.
    public private(set) var state: State = .idle
    /// Jobs waiting behind the head job, oldest first.
    public private(set) var waiting: [PrintJob] = []
    /// The last status seen, if any.
    public private(set) var lastStatus: PrinterStatus?
    private var queryOutstanding = false
    private var nextQueryAtMs: UInt64 = 0

    /// An empty queue.
    public init(timing: Timing = Timing()) {
        precondition(timing.sendAttemptsMax >= 1, "a job is sent at least once")
        self.timing = timing
    }

    /// Jobs held, the one in progress included.
    public var count: Int { waiting.count + (state == .idle ? 0 : 1) }

    /// Adds a job; refused when `jobsMax` jobs are held already.
    public mutating func enqueue(_ job: PrintJob, nowMs: UInt64) throws(EscPosError) -> [Action] {
        guard count < Self.jobsMax else {
            throw EscPosError(.queueFull, "\(Self.jobsMax) receipts are waiting for the printer; receipt \(job.id) was not queued")
        }
        guard case .idle = state else {
            waiting.append(job)
            return []
        }
        return start(job, nowMs: nowMs)
    }

    /// Time passed: poll when a poll is due and none is outstanding.
    public mutating func tick(nowMs: UInt64) -> [Action] {
        switch state {
        case .idle, .sending: return []
        case .checking, .printing, .held:
            guard !queryOutstanding, nowMs >= nextQueryAtMs else { return [] }
            return [query()]
        }
    }

    /// The transport took all of the job's bytes.
    public mutating func bytesSent(nowMs: UInt64) -> [Action] {
        guard case .sending(let job, let attempt) = state else { return [] }
        state = .printing(job, attempt: attempt, settledAtMs: nowMs + timing.printSettleMs)
        nextQueryAtMs = nowMs + timing.printSettleMs
        return []
    }

    /// Writing the job failed; its bytes count as not sent.
    public mutating func writeFailed(_ error: DeviceError, nowMs: UInt64) -> [Action] {
        guard case .sending(let job, let attempt) = state else { return [] }
        if attempt >= timing.sendAttemptsMax {
            return [.abandon(jobId: job.id, reason: "sent \(attempt) times and failed: \(error.message)")] + next(nowMs: nowMs)
        }
        let fault = PrinterFault.writeFailed(error)
        state = .held(job, attempt: attempt, fault: fault, bytesTaken: false)
        nextQueryAtMs = nowMs + timing.statusPollIntervalMs
        return [.reportFault(jobId: job.id, fault)]
    }

    /// A status poll answered.
    public mutating func statusObserved(_ status: PrinterStatus, nowMs: UInt64) -> [Action] {
        lastStatus = status
        queryOutstanding = false
        nextQueryAtMs = nowMs + timing.statusPollIntervalMs
        let fault = PrinterFault(status)
        switch state {
        case .idle, .sending:
            return []
        case .checking(let job, let attempt):
            if let fault { return hold(job, attempt: attempt, fault: fault, bytesTaken: false) }
            return send(job, attempt: attempt, nowMs: nowMs)
        case .printing(let job, let attempt, let settledAtMs):
            if let fault { return hold(job, attempt: attempt, fault: fault, bytesTaken: true) }
            guard nowMs >= settledAtMs else {
                nextQueryAtMs = settledAtMs
                return []
            }
            return [.markPrinted(jobId: job.id)] + next(nowMs: nowMs, printerReady: true)
        case .held(let job, let attempt, let heldFault, let bytesTaken):
            if let fault {
                return fault == heldFault ? [] : hold(job, attempt: attempt, fault: fault, bytesTaken: bytesTaken)
            }
            guard bytesTaken else { return [.reportRecovered(jobId: job.id)] + send(job, attempt: attempt, nowMs: nowMs) }
            state = .printing(job, attempt: attempt, settledAtMs: nowMs + timing.printSettleMs)
            nextQueryAtMs = nowMs + timing.printSettleMs
            return [.reportRecovered(jobId: job.id)]
        }
    }

    /// A status poll got no (valid) answer in time.
    public mutating func statusUnavailable(nowMs: UInt64) -> [Action] {
        queryOutstanding = false
        nextQueryAtMs = nowMs + timing.statusPollIntervalMs
        switch state {
        case .idle, .sending:
            return []
        case .checking(let job, let attempt):
            return hold(job, attempt: attempt, fault: .notAnswering, bytesTaken: false)
        case .printing(let job, let attempt, _):
            return hold(job, attempt: attempt, fault: .notAnswering, bytesTaken: true)
        case .held(let job, let attempt, let heldFault, let bytesTaken):
            return heldFault == .notAnswering ? [] : hold(job, attempt: attempt, fault: .notAnswering, bytesTaken: bytesTaken)
        }
    }

    // MARK: Steps

    private mutating func start(_ job: PrintJob, nowMs: UInt64) -> [Action] {
        state = .checking(job, attempt: 0)
        queryOutstanding = false
        nextQueryAtMs = nowMs
        return [query()]
    }

    private mutating func query() -> Action {
        queryOutstanding = true
        return .queryStatus
    }

    /// Sends `job`, which was sent `attempt` times before; `writeFailed` abandons a job before
    /// it could come here with no attempts left.
    private mutating func send(_ job: PrintJob, attempt: Int, nowMs: UInt64) -> [Action] {
        guard attempt < timing.sendAttemptsMax else {
            assertionFailure("a job with no attempts left is abandoned when its last write fails")
            return [.abandon(jobId: job.id, reason: "sent \(attempt) times without success")] + next(nowMs: nowMs)
        }
        state = .sending(job, attempt: attempt + 1)
        return [.send(job)]
    }

    private mutating func hold(_ job: PrintJob, attempt: Int, fault: PrinterFault, bytesTaken: Bool) -> [Action] {
        state = .held(job, attempt: attempt, fault: fault, bytesTaken: bytesTaken)
        return [.reportFault(jobId: job.id, fault)]
    }

    /// Moves to the next job; a printer just seen ready takes it without another check.
    private mutating func next(nowMs: UInt64, printerReady: Bool = false) -> [Action] {
        guard !waiting.isEmpty else {
            state = .idle
            return []
        }
        let job = waiting.removeFirst()
        if printerReady { return send(job, attempt: 0, nowMs: nowMs) }
        return start(job, nowMs: nowMs)
    }
}
