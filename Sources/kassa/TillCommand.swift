import ArgumentParser
import Foundation
import KassaTill

/// `kassa till`: one lane. Cashier actions come in on standard input (a keyboard-wedge scanner
/// types there too), events go out on standard output.
struct Till: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a lane: scans build a basket, which is quoted, paid, registered and printed.",
        discussion: """
            Reads one action a line: a barcode; qty 3 | qty 0.755; card NUMBER; void; total;
            pay cash|card|points [AMOUNT]; cancel; close-shift; quit. Writes one event a line
            (--json: JSON Lines). Every sale is written to the lane's outbox (--data) and fsynced
            before its receipt is printed; it is sent to the server at once when it answers, and
            in order when it is back. While the server is away the lane prices with the catalog
            and rules it cached. Exits 0 on quit, or at the end of input once the basket is settled.
            """
    )

    @Option(name: .long, help: "The service, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(name: .long, help: "A till token.")
    var token: String

    @Option(name: .long, help: "The lane's own directory: its outbox and catalog cache.")
    var data: String = "./lane"

    @Option(name: .long, help: "Store code.")
    var store: String = "S1"

    @Option(name: .long, help: "Terminal code (receipt ids start with it).")
    var terminal: String = "T01"

    @Option(name: .long, help: "Cashier code.")
    var cashier: String = "C1"

    @Option(name: .long, help: "Seconds between attempts to send queued sales while the server is away.")
    var retrySeconds: Double = 2

    @Option(name: .long, help: "Seconds the lane waits for the server before selling offline.")
    var timeoutSeconds: Double = 3

    @Flag(name: .long, help: "Write events as JSON Lines.")
    var json = false

    func run() throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http:// or https:// URL, got '\(server)'")
        }
        let output = LaneOutputStream(json: json)
        let client = LaneServerClient(baseURL: url, token: token, timeoutSeconds: timeoutSeconds)
        let lane: Lane
        do {
            lane = try Lane(settings: Lane.Settings(store: store, terminal: terminal, cashier: cashier, dataDirectory: data),
                            client: client, printer: nil, emit: output.write)
        } catch {
            FileHandle.standardError.write(Data("kassa till: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let queue = DispatchQueue(label: "kassa.lane")
        queue.sync { lane.start() }
        let sender = LaneSender(lane: lane, intervalSeconds: retrySeconds)
        sender.start()
        while let line = readLine(strippingNewline: true) {
            let goOn = queue.sync { lane.handle(line) }
            if !goOn { break }
        }
        sender.stop()
        queue.sync {
            if !lane.isSettled { output.write(LaneEvent("warning", "end of input with an open basket: it is dropped")) }
            lane.sendOutbox()
        }
    }
}

/// Writes lane events to standard output, a whole line at a time.
final class LaneOutputStream: @unchecked Sendable {
    private let json: Bool
    private let lock = NSLock()

    init(json: Bool) { self.json = json }

    func write(_ event: LaneEvent) {
        let line = (json ? event.jsonLine : event.text) + "\n"
        lock.withLock { FileHandle.standardOutput.write(Data(line.utf8)) }
    }
}
