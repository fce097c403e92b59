import Foundation
import KassaTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the built `kassa` with `arguments` (and `environment` added to the test's own) until it
/// exits; answers its exit status, standard output and standard error.
func runKassa(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output, errors)
}

/// The real `kassa serve` binary on a loopback port of its choosing, with a fresh data directory.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let data: String
    private(set) var port = 0
    private(set) var tokens: [String: String] = [:]
    private let output = Pipe()
    private let lock = NSCondition()
    private var lines: [String] = []
    /// Output after the last newline: a line can arrive in two chunks.
    private var partial = Data()

    static var binary: String { builtExecutable("kassa") }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `openFiles`: the server runs under that limit on open files (soft and hard).
    init(data: String? = nil, environment: [String: String] = [:], openFiles: Int? = nil) throws {
        self.data = data ?? TemporaryDirectories.fresh("kassa-serve")
        let arguments = ["serve", "--data", self.data, "--port", "0",
                         "--config", ServerProcess.repository.appendingPathComponent("config/kassa.yaml").path]
        if let openFiles {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFiles) && exec \"$0\" \"$@\"", ServerProcess.binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        // Tests start without the default loyalty programme unless they ask for rules.
        env["KASSA_LOYALTY_RULES_FILE"] = ""
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        PipeReader.start(output) { [weak self] chunk in
            guard let self, !chunk.isEmpty else { return }
            self.lock.lock()
            self.partial.append(chunk)
            while let newline = self.partial.firstIndex(of: 10) {
                self.lines.append(String(decoding: self.partial[self.partial.startIndex..<newline], as: UTF8.self))
                self.partial.removeSubrange(self.partial.startIndex...newline)
            }
            self.lock.broadcast()
            self.lock.unlock()
        }
        try process.run()
        guard let listening = waitFor(prefix: "kassa: listening on http://127.0.0.1:") else {
            process.terminate()
            throw ServerError("the server did not start: \(printed)")
        }
        port = Int(listening.split(separator: ":").last!)!
        guard waitFor(prefix: "kassa: recovered") != nil else { throw ServerError("recovery did not finish: \(printed)") }
        let credentials = (try? String(contentsOfFile: self.data + "/credentials", encoding: .utf8)) ?? ""
        for line in credentials.split(separator: "\n") where line.contains("=") && !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            tokens[String(parts[0])] = String(parts[1])
        }
    }

    var printed: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    func waitFor(prefix: String, timeout: Double = 60) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let line = lines.first(where: { $0.hasPrefix(prefix) }) { return line }
            if !process.isRunning || !lock.wait(until: deadline) { return lines.first(where: { $0.hasPrefix(prefix) }) }
        }
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    struct Reply {
        var status: Int
        var body: [String: Any]
        var raw: Data
        var headers: [AnyHashable: Any]
        var code: String? { (body["error"] as? [String: Any])?["code"] as? String }
        var field: String? { (body["error"] as? [String: Any])?["field"] as? String }
    }

    /// One request; `token` is a role name from the credentials file, a literal token, or nil.
    func call(_ method: String, _ path: String, role: String? = nil, token: String? = nil, json: Any? = nil,
              body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let role { request.setValue("Bearer \(tokens[role]!)", forHTTPHeaderField: "Authorization") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        if let json { request.httpBody = try JSONSerialization.data(withJSONObject: json) }
        if let body { request.httpBody = body }
        if request.httpBody != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Reply(status: http.statusCode, body: object, raw: data, headers: http.allHeaderFields)
    }
}

struct ServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A sale body as a till sends it.
func saleBody(_ id: String, terminal: String = "T07", customer: String? = nil, lines: [[String: Any]]? = nil,
              payments: [[String: Any]]? = nil) -> [String: Any] {
    var body: [String: Any] = [
        "id": id, "store": "S1", "terminal": terminal, "cashier": "C12", "at": "2026-11-22T10:15:00+03:00",
        "lines": lines ?? [["sku": "4607001234562", "qty": 2, "price": 8990],
                           ["sku": "2100001000011", "qty": 0.755, "price": 54900, "category": "meat"]],
    ]
    if let customer { body["customer"] = customer }
    if let payments { body["payments"] = payments }
    return body
}
