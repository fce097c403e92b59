#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A receipt printer on a `ByteTransport`: it runs a `ReceiptPrintQueue`, performs its actions
/// (write a job, poll `DLE EOT 1–4` with a timeout) and reports what happens through `onEvent`.
///
/// The I/O is all here and kept thin; every decision is the queue's. The lane owns one instance
/// on its device thread (transports are used by one thread at a time), calls `print` for each
/// receipt and `poll` every hundred milliseconds or so while `pendingJobs` is not zero.
public final class ReceiptPrinter {
    /// Time limits of the I/O.
    public struct Settings: Hashable, Sendable {
        /// Time for the transport to take one whole job.
        public var writeTimeoutMs: Int
        /// Time for the printer to answer a round of four status requests.
        public var statusTimeoutMs: Int
        /// The queue's polling and settle times.
        public var timing: ReceiptPrintQueue.Timing

        /// Settings with the defaults.
        public init(writeTimeoutMs: Int = 5_000, statusTimeoutMs: Int = 1_000, timing: ReceiptPrintQueue.Timing = .init()) {
            self.writeTimeoutMs = writeTimeoutMs
            self.statusTimeoutMs = statusTimeoutMs
            self.timing = timing
        }
    }

    /// What the lane hears from the printer.
    public enum Event: Hashable, Sendable {
        /// The status changed (UnifiedPOS `StatusUpdateEvent`); `status` is the new one.
        case statusUpdate(PrinterStatusUpdate, status: PrinterStatus)
        /// Job `jobId` waits because of `fault`.
        case fault(jobId: String, PrinterFault)
        /// The fault holding `jobId` cleared.
        case recovered(jobId: String)
        /// Receipt `jobId` is on paper.
        case printed(jobId: String)
        /// Job `jobId` could not be sent; `reason` says why.
        case abandoned(jobId: String, reason: String)
    }

    /// Actions one call may perform; more means a loop between the queue and the driver.
    static let actionsPerCallMax = 64
    /// Bytes of stale input drained before a status poll.
    static let drainBytesMax = 4_096

    /// The connection to the printer.
    public let transport: any ByteTransport
    /// The printer's profile.
    public let profile: PrinterProfile
    /// The I/O limits.
    public let settings: Settings
    /// Called for every event, on the caller's thread.
    public var onEvent: (Event) -> Void
    /// The last status read, if any.
    public private(set) var status: PrinterStatus?

    private var queue: ReceiptPrintQueue
    private var reader: PrinterStatusReader
    private let nowMs: () -> UInt64

    /// A printer on `transport`, not yet open. `nowMs` is a monotonic clock in milliseconds.
    public init(
        transport: any ByteTransport, profile: PrinterProfile, settings: Settings = Settings(),
        nowMs: @escaping () -> UInt64 = ReceiptPrinter.monotonicMs, onEvent: @escaping (Event) -> Void = { _ in }
    ) {
        self.transport = transport
        self.profile = profile
        self.settings = settings
        self.nowMs = nowMs
        self.onEvent = onEvent
        queue = ReceiptPrintQueue(timing: settings.timing)
        reader = PrinterStatusReader(drawerOpenWhenPin3High: profile.drawerOpenWhenPin3High)
    }

    /// Opens the transport.
    public func open() throws(DeviceError) { try transport.open() }

    /// Closes the transport; queued jobs stay queued for when it is open again.
    public func close() { transport.close() }

    /// Jobs not yet printed, the one in progress included.
    public var pendingJobs: Int { queue.count }

    /// The queue's state, for the lane's screens and for tests.
    public var queueState: ReceiptPrintQueue.State { queue.state }

    /// Queues `job` and starts it if the printer is free.
    public func print(_ job: PrintJob) throws(EscPosError) {
        let actions = try queue.enqueue(job, nowMs: nowMs())
        perform(actions)
    }

    /// Lets time pass: polls when due and goes on with the head job.
    public func poll() {
        perform(queue.tick(nowMs: nowMs()))
    }

    /// Writes `bytes` (a drawer kick from `ReceiptLayout.drawerKick()`) straight away; the
    /// printer holds it behind a receipt it is printing.
    public func send(_ bytes: [UInt8]) throws(DeviceError) {
        try transport.write(bytes, timeoutMs: settings.writeTimeoutMs)
    }

    /// Reads the status now (one round of `DLE EOT 1–4`), reporting changes; nil when the
    /// printer did not answer in time or answered nonsense.
    @discardableResult
    public func readStatus() -> PrinterStatus? {
        drainInput()
        reader.forgetPending()
        let request: [UInt8]
        do {
            request = try reader.sendRound()
            try transport.write(request, timeoutMs: settings.writeTimeoutMs)
        } catch {
            reader.forgetPending()
            return nil
        }
        let deadline = nowMs() + UInt64(settings.statusTimeoutMs)
        while !reader.pending.isEmpty {
            let now = nowMs()
            guard now < deadline,
                  let bytes = try? transport.read(maxBytes: reader.pending.count, timeoutMs: Int(deadline - now)),
                  !bytes.isEmpty
            else { break }
            for byte in bytes {
                if case .answer(_, let status?) = reader.receive(byte) {
                    observe(status)
                    return status
                }
            }
        }
        reader.forgetPending()
        return nil
    }

    // MARK: Performing the queue's actions

    private func perform(_ first: [Action]) {
        var actions = first[...]
        var performed = 0
        while let action = actions.popFirst() {
            performed += 1
            guard performed <= Self.actionsPerCallMax else {
                assertionFailure("the print queue asked for more than \(Self.actionsPerCallMax) actions in one call")
                return
            }
            actions += perform(action)
        }
    }

    private typealias Action = ReceiptPrintQueue.Action

    private func perform(_ action: Action) -> [Action] {
        switch action {
        case .send(let job):
            do {
                try transport.write(job.bytes, timeoutMs: settings.writeTimeoutMs)
            } catch {
                return queue.writeFailed(error, nowMs: nowMs())
            }
            return queue.bytesSent(nowMs: nowMs())
        case .queryStatus:
            guard let status = readStatus() else { return queue.statusUnavailable(nowMs: nowMs()) }
            return queue.statusObserved(status, nowMs: nowMs())
        case .reportFault(let jobId, let fault):
            onEvent(.fault(jobId: jobId, fault))
        case .reportRecovered(let jobId):
            onEvent(.recovered(jobId: jobId))
        case .markPrinted(let jobId):
            onEvent(.printed(jobId: jobId))
        case .abandon(let jobId, let reason):
            onEvent(.abandoned(jobId: jobId, reason: reason))
        }
        return []
    }

    private func observe(_ new: PrinterStatus) {
        let old = status
        status = new
        for update in PrinterStatusUpdate.changes(from: old, to: new) { onEvent(.statusUpdate(update, status: new)) }
    }

    /// Drops bytes that arrived unasked (a late answer to a poll that timed out), so they are
    /// not taken for answers to the next one.
    private func drainInput() {
        var drained = 0
        while drained < Self.drainBytesMax, let bytes = try? transport.read(maxBytes: 64, timeoutMs: 0), !bytes.isEmpty {
            drained += bytes.count
        }
    }

    /// Milliseconds of the monotonic clock.
    public static func monotonicMs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000 + UInt64(now.tv_nsec) / 1_000_000
    }
}
