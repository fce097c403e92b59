import Foundation
import KassaCore
import Synchronization

/// How a run drives its target.
public struct RunSettings: Sendable {
    /// Receipts per second arriving (open loop), or nil: every worker as fast as it can (closed loop).
    public var rate: Double?
    /// Seconds of measured load.
    public var duration: Double
    /// Concurrent connections (open loop: lanes being served at once; closed loop: the load).
    public var workers: Int
    /// The store's UTC offset in minutes, written into every receipt's time.
    public var offsetMinutes: Int16

    public init(rate: Double?, duration: Double, workers: Int, offsetMinutes: Int16 = 180) {
        self.rate = rate
        self.duration = duration
        self.workers = workers
        self.offsetMinutes = offsetMinutes
    }

    var mode: String {
        if let rate { return "open loop at \(Self.rateText(rate)) receipts/s, \(workers) connections" }
        return "closed loop, \(workers) connections"
    }

    static func rateText(_ rate: Double) -> String {
        rate >= 100 ? String(Int(rate.rounded())) : String(format: "%.2f", rate)
    }
}

/// What the live progress line is given each second.
public struct ProgressSample: Sendable {
    public var target: String
    public var elapsed: Int
    public var duration: Int
    public var sample: SecondSample
    public var errors: Int
}

/// Drives one target with a workload: workers take visits in arrival order, answer latency is
/// counted from when each visit was due (so a slow answer delays the visits behind it, and that
/// delay is measured rather than hidden), and at the end every unanswered request is sent again
/// and the target's own totals are checked against what was acknowledged.
public final class Runner: Sendable {
    let target: any LoadTarget
    let workload: Workload
    let settings: RunSettings
    let recorder = Recorder()
    let tally = Tally()
    private let schedule: Mutex<VisitSchedule>
    private let outbox = Mutex<[(Visit, String, Int64?)]>([])
    private let skipped = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let interrupted = Atomic<Bool>(false)
    private let abandoned = Atomic<Bool>(false)

    public init(target: any LoadTarget, workload: Workload, settings: RunSettings) {
        self.target = target
        self.workload = workload
        self.settings = settings
        schedule = Mutex(VisitSchedule(workload: workload, rate: settings.rate))
    }

    /// Ends the load early (Ctrl-C): no new visit starts, those under way finish, and the run
    /// goes on to its outbox and verification as at the end of its time.
    public func interrupt() {
        interrupted.store(true, ordering: .relaxed)
        stopped.store(true, ordering: .relaxed)
    }

    /// Runs the load, then the verification. `progress` is called once a second.
    public func run(progress: @escaping @Sendable (ProgressSample) -> Void) async throws -> TargetRun {
        var sessions: [any LoadSession] = []
        for _ in 0..<settings.workers { sessions.append(try await target.openSession()) }
        let before = try await target.totals()
        let cpuAtStart = Self.processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        let durationNanos = UInt64(settings.duration * 1e9)
        let graceNanos = 2 * durationNanos + 10_000_000_000

        let ticker = Task {
            var second = 0
            while !Task.isCancelled {
                let next = start + UInt64(second + 1) * 1_000_000_000
                let now = DispatchTime.now().uptimeNanoseconds
                if next > now { try? await Task.sleep(nanoseconds: next - now) }
                if Task.isCancelled { break }
                second += 1
                let sample = recorder.tick(second: second)
                let errors = recorder.operations.reduce(0) { $0 + $1.errorCount }
                progress(ProgressSample(target: target.name, elapsed: second, duration: Int(settings.duration.rounded(.up)),
                                        sample: sample, errors: errors))
            }
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask(executorPreference: session.executor) {
                    while !self.stopped.load(ordering: .relaxed) {
                        let taken = DispatchTime.now().uptimeNanoseconds
                        if self.settings.rate == nil, taken - start >= durationNanos { break }
                        // Open loop: visits due within the run are served even after its time,
                        // so a server that fell behind shows it in latency; up to a limit.
                        if taken - start >= graceNanos {
                            self.abandoned.store(true, ordering: .relaxed)
                            self.stopped.store(true, ordering: .relaxed)
                            break
                        }
                        let visit = self.schedule.withLock { $0.next() }
                        let due = start + UInt64(visit.due * 1e9)
                        if self.settings.rate != nil {
                            if due - start >= durationNanos {
                                self.stopped.store(true, ordering: .relaxed)
                                break
                            }
                            // Short naps, so that an interrupt is noticed within a tenth of a second.
                            // (The end of the schedule does not cut them short: a visit due
                            // before the end is served even after a later one found the end.)
                            while !self.interrupted.load(ordering: .relaxed) {
                                let now = DispatchTime.now().uptimeNanoseconds
                                guard due > now else { break }
                                try await Task.sleep(nanoseconds: min(due - now, 100_000_000))
                            }
                            if self.interrupted.load(ordering: .relaxed) { break }
                        }
                        // Time the visit waited because every connection was busy.
                        let delay = self.settings.rate != nil && taken > due ? taken - due : 0
                        await self.perform(visit, session: session, delay: delay)
                    }
                }
            }
            try await group.waitForAll()
        }
        let measured = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let toolCPU = Self.processCPUSeconds() - cpuAtStart
        if abandoned.load(ordering: .relaxed) {
            // What was due within the run but never started: the server was too far behind.
            let notStarted = schedule.withLock { schedule in
                var count = 0
                while true {
                    let visit = schedule.next()
                    if visit.due * 1e9 >= Double(durationNanos) { return count }
                    if case .checkout = visit.kind { count += 1 }
                }
            }
            if notStarted > 0 { recorder.error(.sale, "not started: the server fell behind", count: notStarted) }
        }
        ticker.cancel()
        _ = await ticker.result
        let salesInWindow = tally.salesInWindow

        // The outbox: what never got an answer is sent again, as a lane does when the server returns.
        let unanswered = outbox.withLock { list in defer { list = [] }; return list }
        if let session = sessions.first {
            for (visit, at, payment) in unanswered {
                await resend(visit, at: at, payment: payment, session: session)
            }
        }
        for session in sessions { await session.close() }
        let after = try await target.totals()
        let verification = Tally.verify(acknowledged: tally.totals, reported: after - before)
        var operations = recorder.operations
        let skippedCount = skipped.load(ordering: .relaxed)
        if skippedCount > 0, let index = operations.firstIndex(where: { $0.kind == .saleReturn }) {
            operations[index].errors["skipped: its sale was never acknowledged"] = skippedCount
        }
        let mode = interrupted.load(ordering: .relaxed) ? settings.mode + String(format: ", interrupted after %.0f s", measured) : settings.mode
        return TargetRun(target: target.name, summary: target.summary, mode: mode, seconds: measured,
                         receiptsPerSecond: Double(salesInWindow) / measured, operations: operations,
                         timeline: recorder.timeline, verification: verification, toolCPUSeconds: toolCPU)
    }

    /// User and system CPU time of this process so far (every thread; not its children).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    // MARK: - A visit

    private func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private func timestamp() -> String {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        return Timestamp(epochMilliseconds: millis, offsetMinutes: settings.offsetMinutes).description
    }

    /// Runs `body`, recording its latency (plus the visit's wait) or its error under `kind`.
    private func timed<T: Sendable>(_ kind: OperationKind, delay: UInt64, _ body: () async throws -> T) async -> Result<T, any Error> {
        let started = now()
        do {
            let value = try await body()
            recorder.record(kind, nanoseconds: now() - started + delay)
            return .success(value)
        } catch let refusal as Refusal {
            recorder.error(kind, "\(refusal.status) \(refusal.code)")
            return .failure(refusal)
        } catch {
            recorder.error(kind, "transport")
            return .failure(error)
        }
    }

    func perform(_ visit: Visit, session: any LoadSession, delay: UInt64) async {
        let at = timestamp()
        switch visit.kind {
        case .checkout(let sale, let lookup):
            var payment: Int64?
            if case .success(let total) = await timed(.quote, delay: delay, { try await session.quote(sale, at: at) }) { payment = total }
            var result = await timed(.sale, delay: delay) { try await session.sale(sale, at: at, payment: payment) }
            if case .failure(let refusal as Refusal) = result, refusal.code == "payment_mismatch" {
                // Something changed between the quote and the payment (the same member at two
                // lanes): the till prices the basket again and takes the new total.
                payment = try? await session.quote(sale, at: at)
                result = await timed(.sale, delay: delay) { try await session.sale(sale, at: at, payment: payment) }
            }
            switch result {
            case .success(let outcome): tally.sale(sale.id, outcome, inWindow: true)
            case .failure(is Refusal): break
            case .failure: outbox.withLock { $0.append((visit, at, payment)) }
            }
            if let lookup { _ = await timed(.lookup, delay: delay) { try await session.lookup(card: lookup) } }
        case .saleReturn(let draft):
            await refund(.saleReturn, id: draft.id, of: draft.sale, visit: visit, at: at, delay: delay) { try await session.saleReturn(draft, at: at) }
        case .void(let draft):
            await refund(.void, id: draft.id, of: draft.sale, visit: visit, at: at, delay: delay) { try await session.void(draft, at: at) }
        case .closeShift(let store, let terminal):
            _ = await timed(.closeShift, delay: delay) { try await session.closeShift(store: store, terminal: terminal) }
        }
    }

    /// A return or a void of `sale`, once that sale is acknowledged; unanswered, it goes to the outbox.
    private func refund(_ kind: OperationKind, id: String, of sale: String, visit: Visit, at: String, delay: UInt64,
                        _ body: () async throws -> RefundOutcome) async {
        guard await waitForSale(sale) else { return }
        switch await timed(kind, delay: delay, body) {
        case .success(let outcome): tally.refund(id, outcome, isVoid: kind == .void)
        case .failure(is Refusal): break
        case .failure: outbox.withLock { $0.append((visit, at, nil)) }
        }
    }

    /// A cashier returns goods of a sale only once the sale went through; the generator picks
    /// sales some visits back, so this waits only when the server is far behind.
    private func waitForSale(_ id: String) async -> Bool {
        for _ in 0..<2_000 {
            if tally.isAcknowledged(sale: id) { return true }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        skipped.add(1, ordering: .relaxed)
        return false
    }

    /// Sends an unanswered request again, with the same id and body, until it is answered.
    private func resend(_ visit: Visit, at: String, payment: Int64?, session: any LoadSession) async {
        for attempt in 0..<10 {
            do {
                switch visit.kind {
                case .checkout(let sale, _):
                    tally.sale(sale.id, try await session.sale(sale, at: at, payment: payment), inWindow: false)
                case .saleReturn(let draft):
                    tally.refund(draft.id, try await session.saleReturn(draft, at: at), isVoid: false)
                case .void(let draft):
                    tally.refund(draft.id, try await session.void(draft, at: at), isVoid: true)
                case .closeShift:
                    break
                }
                return
            } catch is Refusal {
                return
            } catch {
                try? await Task.sleep(nanoseconds: UInt64(200_000_000) << UInt64(min(attempt, 4)))
            }
        }
    }
}
