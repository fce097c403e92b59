import ArgumentParser
import Foundation
import KassaLoadTest
import KassaService

/// `kassa loadtest`: simulated tills against a server, and the same work against baselines.
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Simulate a hypermarket's tills (or a chain's) against a server and measure it.",
        discussion: """
            Profiles: hypermarket (80 lanes, 20 of them self-checkout; 40,000 goods; 300,000 members), \
            chain (--stores hypermarkets against one node), small (8 lanes, for quick runs). Open loop \
            by default: receipts arrive at --rate (the profile's real busiest-hour rate when not given) \
            whether or not the server keeps up, and latency counts from when each was due. --closed \
            runs every connection as fast as it can. Without --url it starts its own server from this \
            binary on a temporary data dir. --compare postgres,sqlite runs the same workload against \
            those baselines in the same run and prints Kassa's receipts/s divided by theirs. At the \
            end the server's totals are checked against what was acknowledged: exit 1 on a mismatch.
            """
    )

    @Option(help: "A running server (http://HOST:PORT); without it one is started on a temporary data dir.")
    var url: String?

    @Option(help: "An admin token for --url (the run uploads the catalog and enrols members).")
    var token: String?

    @Option(help: "hypermarket, chain or small.")
    var profile: String = "hypermarket"

    @Option(help: "Hypermarkets in the chain profile (default 10).")
    var stores: Int?

    @Option(help: "Lanes per store (the profile's when not given).")
    var tills: Int?

    @Option(help: "Goods in the catalog (the profile's when not given).")
    var skus: Int?

    @Option(help: "Loyalty members (the profile's when not given).")
    var members: Int?

    @Option(help: "Seconds of load.")
    var duration: Double = 60

    @Option(help: "Receipts per second arriving (open loop); default: the profile's real rate.")
    var rate: Double?

    @Flag(help: "Closed loop: every connection sends as fast as it is answered.")
    var closed = false

    @Option(help: "Concurrent connections (default: one per lane, at most 512; closed loop at most 256).")
    var connections: Int?

    @Option(help: "Seed for the generated catalog, members and visits.")
    var seed: UInt64 = 1

    @Option(help: "Baselines to run the same workload against: postgres, sqlite (comma-separated).")
    var compare: String?

    @Option(help: "Write an HTML report (charts inline, no network) to this file.")
    var report: String?

    @Flag(help: "Keep the own server's data dir instead of removing it.")
    var keepData = false

    @Option(name: .customLong("max-rate-p99"),
            help: "Search for the highest open-loop rate whose sale p99 stays within this many ms (runs of --duration each, from --rate up).")
    var maxRateP99: Double?

    func validate() throws {
        guard Profile.named(profile, stores: stores) != nil else { throw ValidationError("--profile must be hypermarket, chain or small, got '\(profile)'") }
        if let stores, !(1...1_000).contains(stores) { throw ValidationError("--stores must be 1 to 1000") }
        if let tills, !(1...1_000).contains(tills) { throw ValidationError("--tills must be 1 to 1000") }
        if let skus, !(1...5_000_000).contains(skus) { throw ValidationError("--skus must be 1 to 5,000,000") }
        if let members, !(0...50_000_000).contains(members) { throw ValidationError("--members must be 0 to 50,000,000") }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be more than 0 and at most 86400 seconds") }
        if let rate { guard rate > 0, rate <= 1_000_000 else { throw ValidationError("--rate must be more than 0 and at most 1,000,000") } }
        if rate != nil, closed { throw ValidationError("--rate and --closed exclude each other: the closed loop has no rate") }
        if let connections, !(1...10_000).contains(connections) { throw ValidationError("--connections must be 1 to 10000") }
        for name in compareList where !LoadTestOptions.baselines.contains(name) {
            throw ValidationError("--compare takes \(LoadTestOptions.baselines.joined(separator: ", ")), got '\(name)'")
        }
        if let maxRateP99 {
            guard maxRateP99 > 0 else { throw ValidationError("--max-rate-p99 must be more than 0 milliseconds") }
            guard !closed, compare == nil else { throw ValidationError("--max-rate-p99 searches open-loop rates of Kassa alone: leave out --closed and --compare") }
        }
        if url != nil, token == nil { throw ValidationError("--url needs --token (an admin token)") }
    }

    var compareList: [String] {
        (compare ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        // A chain's lanes, its baselines' connections and the server it starts (which inherits
        // the limit) can pass the usual soft limit of 1,024 open files.
        OpenFileLimit.raise()
        var chosen = Profile.named(profile, stores: stores)!
        if let tills {
            chosen.lanesPerStore = tills
            chosen.selfCheckoutLanes = min(chosen.selfCheckoutLanes, tills / 4)
        }
        if let skus { chosen.skus = skus }
        if let members { chosen.members = members }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var options = LoadTestOptions(profile: chosen, executable: executable)
        options.url = url
        options.token = token
        options.seed = seed
        options.duration = duration
        options.rate = rate
        options.closed = closed
        options.connections = connections
        options.compare = compareList
        options.report = report
        options.keepData = keepData
        options.maxRateP99 = maxRateP99
        let live = isatty(2) == 1
        // Ctrl-C or SIGTERM ends the load early with the run verified and reported, and what the
        // tool started stopped and removed; a second one quits at once.
        var signalSources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard LoadTest.interrupt() else { Foundation.exit(130) }
                say("kassa loadtest: interrupted: finishing the requests under way, then verifying (again to quit at once)")
            }
            source.resume()
            signalSources.append(source)
        }
        defer { signalSources.forEach { $0.cancel() } }
        do {
            let code = try await LoadTest.run(options, say: { say($0) }, status: { line in
                guard live else { return }
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            })
            if code != 0 {
                printError("the totals the server reports differ from what it acknowledged (see above)")
                throw ExitCode(code)
            }
            if LoadTest.wasInterrupted { throw ExitCode(130) }
        } catch let error as LoadTestError {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
