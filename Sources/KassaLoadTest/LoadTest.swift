import Foundation
import KassaCore
import Synchronization

/// `kassa loadtest`: what to run, set from the command line.
public struct LoadTestOptions: Sendable {
    public var url: String?
    public var token: String?
    public var profile: Profile
    public var seed: UInt64 = 1
    public var duration: Double = 60
    /// Receipts per second (open loop); nil with `closed` false means the profile's real rate.
    public var rate: Double?
    public var closed = false
    public var connections: Int?
    public var compare: [String] = []
    public var report: String?
    public var keepData = false
    /// Search mode: the highest open-loop rate whose sale p99 stays within this many milliseconds.
    public var maxRateP99: Double?
    /// This program, to start `kassa serve` from when there is no `--url`.
    public var executable: String

    public init(profile: Profile, executable: String) {
        self.profile = profile
        self.executable = executable
    }

    /// The baselines `--compare` knows.
    public static let baselines = ["postgres", "sqlite"]

    var settings: RunSettings {
        let workers = connections ?? min(profile.lanes, closed ? 256 : 512)
        return RunSettings(rate: closed ? nil : (rate ?? profile.realRate), duration: duration, workers: workers)
    }
}

/// Runs a load test end to end: sets up each target, drives it, checks its totals, prints the
/// summary and writes the report. Answers the exit status: 0, or 1 when a verification failed.
public enum LoadTest {
    private static let interruption = Mutex<(requested: Bool, runner: Runner?)>((false, nil))

    /// Ctrl-C: the run under way stops taking visits, sends its outbox, verifies and reports;
    /// no further target or step starts. Answers false when an interrupt was already asked for.
    public static func interrupt() -> Bool {
        interruption.withLock { state in
            defer { state.requested = true }
            state.runner?.interrupt()
            return !state.requested
        }
    }

    /// Whether the run was cut short by `interrupt()`.
    public static var wasInterrupted: Bool {
        interruption.withLock { $0.requested }
    }

    /// Runs `runner`, stopping it at once if an interrupt comes (or came) meanwhile.
    static func drive(_ runner: Runner, progress: @escaping @Sendable (ProgressSample) -> Void) async throws -> TargetRun {
        let already = interruption.withLock { state in
            state.runner = runner
            return state.requested
        }
        if already { runner.interrupt() }
        defer { interruption.withLock { $0.runner = nil } }
        return try await runner.run(progress: progress)
    }

    public static func run(_ options: LoadTestOptions, say: @escaping @Sendable (String) -> Void,
                           status: @escaping @Sendable (String) -> Void) async throws -> Int32 {
        let startedAt = Timestamp.nowText()
        let runTag = String(UInt64(Date().timeIntervalSince1970 * 10) % 100_000_000, radix: 36)
        let workload = Workload(profile: options.profile, seed: options.seed, runTag: runTag)
        let settings = options.settings
        var runs: [TargetRun] = []
        var dataDirectory: String?
        for name in ["kassa"] + options.compare {
            if wasInterrupted { break }
            let target: any LoadTarget
            switch name {
            case "kassa":
                if let url = options.url {
                    guard let token = options.token else { throw LoadTestError("--url needs --token (an admin token: the run uploads the catalog)") }
                    target = try KassaTarget(url: url, token: token)
                } else {
                    say("kassa loadtest: starting kassa serve on a temporary data dir")
                    let own = try await KassaTarget.startOwnServer(executable: options.executable, keepData: options.keepData, log: say)
                    dataDirectory = own.server?.directory
                    target = own
                }
            default:
                say("kassa loadtest: starting the \(name) baseline")
                target = try await Baselines.start(name)
            }
            do {
                say("kassa loadtest: \(target.name): loading \(workload.profile.skus) goods and \(workload.profile.members) members")
                let loading = Date()
                try await target.prepare(workload) { done, total in
                    status("\(target.name): loading \(done)/\(total)")
                }
                status("")
                say(String(format: "kassa loadtest: %@: loaded in %.1f s; %@ for %.0f s", target.name, Date().timeIntervalSince(loading),
                           settings.mode, settings.duration))
                let progress: @Sendable (ProgressSample) -> Void = { sample in
                    status(ProgressLine.text(sample))
                    if sample.elapsed % 10 == 0 || sample.elapsed == sample.duration { say(ProgressLine.text(sample)) }
                }
                if let limit = options.maxRateP99, name == "kassa" {
                    runs += try await searchMaxRate(target: target, workload: workload, settings: settings, p99Limit: limit,
                                                    say: say, progress: progress)
                } else {
                    runs.append(try await drive(Runner(target: target, workload: workload, settings: settings), progress: progress))
                }
                status("")
            } catch {
                status("")
                await target.shutdown()
                throw error
            }
            await target.shutdown()
        }
        let report = RunReport(configuration: configuration(options, workload: workload, settings: settings),
                               machine: MachineInfo.describe(dataDirectory: dataDirectory ?? FileManager.default.temporaryDirectory.path),
                               runs: runs, startedAt: startedAt)
        say(SummaryTable.render(report))
        if let path = options.report {
            do {
                try HTMLReport.render(report).write(toFile: path, atomically: true, encoding: .utf8)
                say("kassa loadtest: report written to \(path)")
            } catch {
                throw LoadTestError("could not write the report to \(path): \(error.localizedDescription)")
            }
        }
        return runs.allSatisfy { $0.verification?.passed ?? true } ? 0 : 1
    }

    /// Runs the load at rising rates against one prepared target: doubling while the sale p99
    /// stays within the limit and verification passes, then halving the gap between the last
    /// rate that held and the first that did not, four times. Every step is a run of its own.
    static func searchMaxRate(target: any LoadTarget, workload: Workload, settings: RunSettings, p99Limit: Double,
                              say: @escaping @Sendable (String) -> Void,
                              progress: @escaping @Sendable (ProgressSample) -> Void) async throws -> [TargetRun] {
        var runs: [TargetRun] = []
        var held: Double?
        var failed: Double?
        var rate = settings.rate ?? workload.profile.realRate
        for step in 1...14 {
            var stepSettings = settings
            stepSettings.rate = rate
            // Each step's receipts get ids of their own.
            let stepWorkload = Workload(profile: workload.profile, seed: workload.seed &+ UInt64(step), runTag: "\(workload.runTag)s\(step)")
            if wasInterrupted { break }
            var run = try await drive(Runner(target: target, workload: stepWorkload, settings: stepSettings), progress: progress)
            let p99 = run.stats(.sale)?.milliseconds(99) ?? .infinity
            // A payment mismatch is a till pricing again after the same member bought at another
            // lane in between; it recovers at once and says nothing about the server's speed.
            let errors = run.operations.reduce(0) { total, stats in
                total + stats.errors.filter { !$0.key.hasSuffix("payment_mismatch") }.values.reduce(0, +)
            }
            let holds = p99 <= p99Limit && errors == 0 && (run.verification?.passed ?? true)
            run.mode = "step \(step): " + run.mode
            runs.append(run)
            say(String(format: "kassa loadtest: step %d: %@ receipts/s offered, %.1f acknowledged per s, sale p99 %.2f ms, %d errors: %@",
                       step, RunSettings.rateText(rate), run.receiptsPerSecond, p99, errors, holds ? "holds" : "does not hold"))
            if holds { held = max(held ?? 0, rate) } else { failed = min(failed ?? .infinity, rate) }
            guard let low = held else {
                // Not even the first rate held: try half of it, down to a tenth of a receipt per second.
                rate /= 2
                if rate < 0.1 { break }
                continue
            }
            guard let high = failed else {
                rate = low * 2
                continue
            }
            if high - low <= max(low * 0.05, 1) { break }
            rate = (low + high) / 2
        }
        if let held {
            say("kassa loadtest: the highest rate with sale p99 <= \(p99Limit) ms: \(RunSettings.rateText(held)) receipts/s")
        } else {
            say("kassa loadtest: no rate tried kept sale p99 <= \(p99Limit) ms")
        }
        return runs
    }

    static func configuration(_ options: LoadTestOptions, workload: Workload, settings: RunSettings) -> [(String, String)] {
        let profile = options.profile
        return [
            ("profile", profile.name),
            ("stores", String(profile.stores)),
            ("lanes", "\(profile.lanes) (\(profile.selfCheckoutLanes * profile.stores) self-checkout)"),
            ("goods", String(profile.skus)),
            ("members", String(profile.members)),
            ("mode", settings.mode),
            ("real rate of the profile", RunSettings.rateText(profile.realRate) + " receipts/s"),
            ("duration", String(format: "%.0f s", settings.duration)),
            ("seed", String(options.seed)),
            ("basket", String(format: "log-normal, mean %.0f lines", profile.basketMean)),
            ("cards", String(format: "%.0f %% of receipts", profile.cardShare * 100)),
            ("returns, voids", String(format: "%.1f %%, %.1f %% of visits", profile.returnShare * 100, profile.voidShare * 100)),
            ("target", options.url ?? "own server (this build)"),
            ("run tag (receipt id prefix)", workload.runTag),
        ]
    }
}

extension Timestamp {
    static func nowText() -> String {
        Timestamp(epochMilliseconds: Int64(Date().timeIntervalSince1970 * 1000), offsetMinutes: 0).description
    }
}

/// The live line: elapsed and remaining, sales per second, p99 of sale and quote, errors.
enum ProgressLine {
    static func text(_ progress: ProgressSample) -> String {
        let sale = progress.sample.operations[.sale]
        let quote = progress.sample.operations[.quote]
        return String(format: "[%@] %d s, %d s left  sales %d/s  p99 sale %.2f ms  quote %.2f ms  errors %d",
                      progress.target, progress.elapsed, max(0, progress.duration - progress.elapsed), sale?.count ?? 0,
                      sale?.p99 ?? 0, quote?.p99 ?? 0, progress.errors)
    }
}
