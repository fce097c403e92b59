import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KassaAnalytics
import KassaCore
import KassaService

/// `kassa export segments|sales`: the feeds for analytics, as CSV or JSON Lines.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write customer segments or the sales history as CSV or JSON Lines.",
        discussion: """
            Works on a stopped data dir (--data, locked while it runs) or through a running \
            server (--url and a staff --token). The file is written atomically: under a temporary \
            name, synced, then renamed, so a failed export leaves no partial file. Without --out \
            it writes to standard output. Progress goes to standard error.

            segments: one row per customer: card, segment, rfm, r, f, m, frequency (repeat purchase \
            days), recency_days, t_days, monetary, expected_purchases_90d, clv (see README).

            sales: one row per receipt line (CSV) or one object per receipt (JSON Lines).
            """
    )

    enum What: String, ExpressibleByArgument, CaseIterable {
        case segments, sales
    }

    @Argument(help: "What to export: segments or sales.")
    var what: What

    @Option(name: .long, help: "csv or jsonl.")
    var format: String = "csv"

    @Option(name: .long, help: "The file to write (default: standard output).")
    var out: String?

    @Option(name: .customLong("as-of"), help: "Segments as of this day, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Option(name: .long, help: "The data directory (when no --url is given).")
    var data: String = "./data"

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String?

    @Option(name: .long, help: "A running server's address, e.g. http://127.0.0.1:8080.")
    var url: String?

    @Option(name: .long, help: "A staff or admin token for --url.")
    var token: String?

    func run() throws {
        guard let format = ExportFormat(rawValue: format) else { throw ValidationError("--format must be csv or jsonl") }
        var asOfDate: LocalDate?
        if let asOf {
            guard let date = LocalDate(iso: asOf) else { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
            asOfDate = date
        }
        if url != nil && token == nil { throw ValidationError("--url needs --token (a staff or admin token)") }
        let file: ExportFile
        do {
            file = try ExportFile(path: out)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        do {
            if let url, let token {
                try ExportOverHTTP(url: url, token: token).run(what: what, format: format, asOf: asOf, into: file)
            } else {
                try exportFromDataDirectory(format: format, asOf: asOfDate, into: file)
            }
            try file.commit()
        } catch {
            file.abandon()
            printError("\(error)")
            throw ExitCode(1)
        }
    }

    private func exportFromDataDirectory(format: ExportFormat, asOf: LocalDate?, into file: ExportFile) throws {
        let path = config ?? (FileManager.default.fileExists(atPath: "config/kassa.yaml") ? "config/kassa.yaml" : nil)
        let configuration = try KassaConfiguration.load(path: path)
        let directory = try DataDirectoryAnalytics(directory: data, configuration: configuration, warn: { printError($0) })
        defer { directory.close() }
        switch what {
        case .sales:
            let progress = ExportProgress(label: "sales")
            let count = try SalesExport(historyPath: directory.historyPath).write(format, to: file.write) { _, reached, last in
                progress.update(done: reached, total: last, unit: "journal positions")
            }
            progress.finish("sales: \(count) receipts written\(out.map { " to \($0)" } ?? "")")
        case .segments:
            let progress = ExportProgress(label: "reading history")
            let store = try AnalyticsStore(historyPath: directory.historyPath)
            try store.refresh { covered, target in progress.update(done: covered, total: target, unit: "journal positions") }
            let now = Timestamp(epochMilliseconds: Int64(Date().timeIntervalSince1970 * 1000),
                                offsetMinutes: Int16(TimeZone.current.secondsFromGMT() / 60))
            let (snapshot, values) = Segmentation.compute(store.facts(), asOf: asOf ?? now.localDate, options: directory.options,
                                                          number: 1, computedAt: now)
            if format == .csv { try file.write(CustomerSegment.csvHeader) }
            for row in snapshot.customers { try file.write(format == .csv ? row.csvLine : row.jsonLine) }
            var summary = "segments: \(snapshot.customers.count) customers as of \(snapshot.asOf)"
            if let note = values.note { summary += " (lifetime values: \(note))" }
            progress.finish(summary + (out.map { " written to \($0)" } ?? ""))
        }
    }
}

/// `kassa export --url`: streams the server's `/v1/exports/…` answer into the file.
struct ExportOverHTTP {
    var url: String
    var token: String

    func run(what: Export.What, format: ExportFormat, asOf: String?, into file: ExportFile) throws {
        var components = URLComponents(string: url.hasSuffix("/") ? String(url.dropLast()) : url)
        components?.path += "/v1/exports/\(what.rawValue)"
        components?.queryItems = [URLQueryItem(name: "format", value: format.rawValue)] + (asOf.map { [URLQueryItem(name: "as_of", value: $0)] } ?? [])
        guard let address = components?.url else { throw ExportError("--url '\(url)' is not an address") }
        var request = URLRequest(url: address, timeoutInterval: 600)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let receiver = StreamReceiver(file: file, progress: ExportProgress(label: what.rawValue))
        let session = URLSession(configuration: .ephemeral, delegate: receiver, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: request).resume()
        receiver.done.wait()
        if let failure = receiver.failure { throw failure }
        receiver.progress.finish("\(what.rawValue): \(receiver.bytes) bytes written")
    }
}

/// Writes each piece of an HTTP answer to the export file as it arrives.
final class StreamReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let file: ExportFile
    let progress: ExportProgress
    let done = DispatchSemaphore(value: 0)
    private(set) var failure: Error?
    private(set) var bytes: UInt64 = 0
    private var status = 0
    private var errorBody = Data()

    init(file: ExportFile, progress: ExportProgress) {
        self.file = file
        self.progress = progress
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        guard status == 200 else {
            errorBody.append(data)
            return
        }
        do {
            try file.write(bytes: data)
            bytes += UInt64(data.count)
            progress.update(done: bytes, total: 0, unit: "bytes")
        } catch {
            failure = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if failure == nil, let error {
            failure = ExportError("the server could not be read: \(error.localizedDescription)")
        } else if failure == nil, status != 200 {
            failure = ExportError("the server answered \(status): \(String(decoding: errorBody, as: UTF8.self))")
        }
        done.signal()
    }
}
