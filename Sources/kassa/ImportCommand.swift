import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KassaAnalytics
import KassaCore
import KassaJournal
import KassaLoyalty
import KassaService

/// `kassa import ...`: bulk loads from other systems.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load data from other systems.",
        subcommands: [ImportSales.self]
    )
}

/// `kassa import sales FILE.csv`: another system's purchase history into Kassa.
struct ImportSales: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sales",
        abstract: "Import purchase history from CSV (customer, at, total; optional id, store, terminal, sku, qty, price).",
        discussion: """
            The whole file is checked first; any error is printed with its line and column, and \
            nothing is imported (exit 1). Receipts are then applied one by one through the journal: \
            they update the customers' visits, spend and activity, enrol cards Kassa does not know \
            yet (source 'import'), earn no points, and go into the purchase history. Running the \
            same file again, after a failure or not, imports only what is missing.

            Without --url it works on a stopped data directory (--data, taking its lock as \
            'kassa serve' does); with --url and an admin --token it goes through a running server.
            """
    )

    @Argument(help: "The CSV file.")
    var file: String

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String?

    @Option(name: .long, help: "The data directory (without --url).")
    var data: String = "./data"

    @Option(name: .long, help: "A running server to import through, e.g. http://127.0.0.1:8080.")
    var url: String?

    @Option(name: .long, help: "An admin token for --url.")
    var token: String?

    @Option(name: .long, help: "The store of receipts whose file gives none.")
    var store: String?

    func run() async throws {
        let settings = try loadConfiguration()
        if let store, !Identifier.isValid(store) {
            printError("--store must be 1 to 64 printable ASCII characters without spaces")
            throw ExitCode(2)
        }
        guard url == nil || token != nil else {
            printError("--url needs --token (an admin token)")
            throw ExitCode(2)
        }
        guard let bytes = FileManager.default.contents(atPath: file) else {
            printError("cannot read \(file)")
            throw ExitCode(2)
        }
        var options = SalesImport.Options(now: Storage.systemClock())
        options.defaultStore = store ?? ""
        options.limits = settings.limits
        let parsed: SalesImport.File
        switch SalesImport.parse([UInt8](bytes), options: options) {
        case .success(let file): parsed = file
        case .failure(let failure):
            for error in failure.errors { FileHandle.standardError.write(Data("\(file): \(error)\n".utf8)) }
            printError("\(file): \(failure.errors.count)\(failure.truncated ? " or more" : "") errors; nothing was imported")
            throw ExitCode(1)
        }
        say("kassa: \(file): \(parsed.sales.count) receipts, \(parsed.lines) lines, \(parsed.cards) cards in \(parsed.rows) rows (import \(parsed.importID))")
        let progress = ImportProgress(total: parsed.sales.count)
        let tally: ImportTally
        if let url, let token {
            tally = try await ImportThroughServer(url: url, token: token, bodyBytesMax: settings.bodyBytesMax).run(parsed, progress: progress)
        } else {
            tally = try await importLocally(parsed, settings: settings, progress: progress)
        }
        progress.finish()
        say("kassa: imported \(tally.imported) receipts (\(tally.lines) lines), \(tally.enrolled) customers enrolled, "
            + "\(tally.skipped) receipts skipped as already imported")
    }

    private func loadConfiguration() throws -> KassaConfiguration {
        do {
            let path = config ?? (FileManager.default.fileExists(atPath: "config/kassa.yaml") ? "config/kassa.yaml" : nil)
            return try KassaConfiguration.load(path: path)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
    }

    /// Opens the data directory (its lock and recovery, as `kassa serve` does) and applies the
    /// receipts through its journal, a window of them at a time so they share group commits.
    private func importLocally(_ parsed: SalesImport.File, settings: KassaConfiguration, progress: ImportProgress) async throws -> ImportTally {
        let storage: Storage
        do {
            storage = try Storage.open(directory: data, options: settings.storageOptions, pricing: LoyaltyPricing(),
                                       warn: { printError($0) })
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        defer { storage.stop() }
        var tally = ImportTally()
        let window = 1024
        var start = 0
        while start < parsed.sales.count {
            let end = min(start + window, parsed.sales.count)
            let outcomes = await storage.committer.submit(parsed.sales[start..<end].map { LedgerCommand.importSale($0) })
            for (offset, outcome) in outcomes.enumerated() {
                let index = start + offset
                switch outcome {
                case .done(.saleImported(_, let enrolled), let created):
                    tally.count(parsed.sales[index], created: created, enrolled: enrolled)
                case .done:
                    tally.failure = "unexpected answer from the Ledger"
                case .rejected(let error):
                    tally.failure = "the receipt of line \(parsed.sourceLines[index]) was refused: \(error)"
                case .unavailable(let why):
                    tally.failure = "storage: \(why)"
                }
                if tally.failure != nil { break }
            }
            if let failure = tally.failure {
                printError("\(failure)")
                printError("stopped after \(tally.imported) receipts imported; what was imported is kept, and running the same command again imports the rest")
                storage.stop()
                throw ExitCode(1)
            }
            progress.update(done: end)
            start = end
        }
        return tally
    }
}

/// What an import did.
struct ImportTally {
    var imported = 0
    var skipped = 0
    var lines = 0
    var enrolled = 0
    var failure: String?

    mutating func count(_ sale: ImportedSale, created: Bool, enrolled isNew: Bool) {
        guard created else {
            skipped += 1
            return
        }
        imported += 1
        lines += sale.lines.count
        if isNew { enrolled += 1 }
    }
}

/// Progress on standard error: a line rewritten in place on a terminal, else a line every few
/// seconds.
final class ImportProgress: @unchecked Sendable {
    private let total: Int
    private let terminal = isatty(STDERR_FILENO) == 1
    private var last = ContinuousClock.now
    private var shown = false
    /// Seconds between lines when standard error is not a terminal.
    private static let plainInterval: Duration = .seconds(5)

    init(total: Int) { self.total = total }

    func update(done: Int) {
        let now = ContinuousClock.now
        let interval: Duration = terminal ? .milliseconds(200) : ImportProgress.plainInterval
        guard now - last >= interval || (terminal && done == total) else { return }
        last = now
        let percent = total == 0 ? 100 : done * 100 / total
        let text = "kassa: \(done) of \(total) receipts (\(percent) %)"
        FileHandle.standardError.write(Data((terminal ? "\r" + text : text + "\n").utf8))
        shown = true
    }

    func finish() {
        if terminal && shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// `--url`: the receipts in chunks to `POST /v1/imports/sales`, one after another.
struct ImportThroughServer {
    var url: String
    var token: String
    var bodyBytesMax: Int
    /// How often a chunk is tried while the server answers 503 or cannot be reached.
    static let attemptsMax = 10

    func run(_ parsed: SalesImport.File, progress: ImportProgress) async throws -> ImportTally {
        guard let endpoint = URL(string: url.hasSuffix("/") ? url + "v1/imports/sales" : url + "/v1/imports/sales"),
              endpoint.scheme == "http" || endpoint.scheme == "https" else {
            printError("--url must be an http:// or https:// address, got \(url)")
            throw ExitCode(2)
        }
        var tally = ImportTally()
        var start = 0
        while start < parsed.sales.count {
            var end = min(start + SalesImportWire.receiptsMax, parsed.sales.count)
            var body = SalesImportWire.body(parsed.sales[start..<end])
            // Well under the server's body limit (the client reads the same configuration).
            while body.count > bodyBytesMax / 2, end - start > 1 {
                end = start + (end - start) / 2
                body = SalesImportWire.body(parsed.sales[start..<end])
            }
            let summary = try await send(body, endpoint: endpoint, firstLine: parsed.sourceLines[start], done: tally.imported)
            tally.imported += summary.imported
            tally.skipped += summary.skipped
            tally.lines += summary.lines
            tally.enrolled += summary.enrolled
            progress.update(done: end)
            start = end
        }
        return tally
    }

    private func send(_ body: [UInt8], endpoint: URL, firstLine: Int, done: Int) async throws -> SalesImportWire.Summary {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 120
        var attempt = 0
        while true {
            attempt += 1
            let data: Data
            let status: Int
            var retryAfter = 1
            do {
                let (received, response) = try await URLSession.shared.data(for: request)
                data = received
                status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if let header = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After"), let seconds = Int(header) {
                    retryAfter = max(1, min(seconds, 30))
                }
            } catch {
                guard attempt < ImportThroughServer.attemptsMax else { try stop("cannot reach \(url): \(error)", done: done) }
                try await Task.sleep(for: .seconds(1))
                continue
            }
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            switch status {
            case 200, 201:
                var summary = SalesImportWire.Summary()
                summary.imported = object["imported"] as? Int ?? 0
                summary.skipped = object["skipped"] as? Int ?? 0
                summary.lines = object["lines"] as? Int ?? 0
                summary.enrolled = object["enrolled"] as? Int ?? 0
                return summary
            case 503 where attempt < ImportThroughServer.attemptsMax:
                try await Task.sleep(for: .seconds(retryAfter))
            default:
                let error = object["error"] as? [String: Any]
                let field = (error?["field"] as? String).map { " (\($0))" } ?? ""
                let what = "\(error?["code"] as? String ?? "HTTP \(status)"): \(error?["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self))\(field)"
                try stop("the server refused the chunk starting with the receipt of line \(firstLine): \(what)", done: done)
            }
        }
    }

    private func stop(_ message: String, done: Int) throws -> Never {
        printError(message)
        printError("stopped after \(done) receipts imported; what was imported is kept, and running the same command again imports the rest")
        throw ExitCode(1)
    }
}
