import Foundation
import KassaTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `kassa serve` on a fixed loopback port with a data directory that outlives it, so a
/// test can stop the server mid-shift and start it again where the lanes expect it.
final class LaneTestServer: @unchecked Sendable {
    let data: String
    let port: Int
    private var process: Process?
    private(set) var tokens: [String: String] = [:]

    var url: String { "http://127.0.0.1:\(port)" }

    init(data: String, port: Int) {
        self.data = data
        self.port = port
    }

    /// A server started on a free port with `products` in its catalog; throws unless the
    /// catalog took them.
    static func started(data: String, products: [[String: Any]]) throws -> LaneTestServer {
        let server = LaneTestServer(data: data, port: try LoopbackPort.free())
        try server.start()
        let put = try server.call("PUT", "/v1/products", role: "admin", json: ["products": products])
        guard put.status == 200 else {
            server.stop()
            throw LaneTestError("the catalog was refused (\(put.status)): \(put.body)")
        }
        return server
    }

    /// Starts the server and waits until it answers `/readyz`.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("kassa"))
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        process.arguments = ["serve", "--data", data, "--port", String(port), "--config", repository.appendingPathComponent("config/kassa.yaml").path]
        var environment = ProcessInfo.processInfo.environment
        environment["KASSA_LOYALTY_RULES_FILE"] = ""
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            if (try? call("GET", "/readyz").status) == 200 { break }
            guard process.isRunning else { throw LaneTestError("kassa serve exited with \(process.terminationStatus)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let credentials = (try? String(contentsOfFile: data + "/credentials", encoding: .utf8)) ?? ""
        for line in credentials.split(separator: "\n") where line.contains("=") && !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            tokens[String(parts[0])] = String(parts[1])
        }
    }

    /// SIGTERM, and waits for the exit.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A synchronous call; `role` picks a token from the data dir's credentials.
    func call(_ method: String, _ path: String, role: String? = nil, json: Any? = nil, text: String? = nil) throws -> (status: Int, body: [String: Any]) {
        var request = URLRequest(url: URL(string: url + path)!, timeoutInterval: 10)
        request.httpMethod = method
        if let role, let token = tokens[role] { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json { request.httpBody = try JSONSerialization.data(withJSONObject: json) }
        if let text { request.httpBody = Data(text.utf8) }
        let done = DispatchSemaphore(value: 0)
        let box = AnswerBox()
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.body = data.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any] ?? [:]
            box.error = error
            done.signal()
        }.resume()
        done.wait()
        if let error = box.error { throw error }
        return (box.status, box.body)
    }
}

private final class AnswerBox: @unchecked Sendable {
    var status = 0
    var body: [String: Any] = [:]
    var error: (any Error)?
}

/// A real `kassa till --json` fed through its standard input, its events collected as they come.
final class TillProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let condition = NSCondition()
    private var events: [[String: Any]] = []
    private var partial = ""

    init(server: String, token: String, data: String, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: builtExecutable("kassa"))
        process.arguments = ["till", "--server", server, "--token", token, "--data", data, "--json",
                             "--retry-seconds", "0.3", "--timeout-seconds", "1", "--terminal", "T07"] + extra
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        PipeReader.start(output) { [weak self] chunk in
            guard let self, !chunk.isEmpty else { return }
            self.condition.withLock {
                self.partial += String(decoding: chunk, as: UTF8.self)
                while let newline = self.partial.firstIndex(of: "\n") {
                    let line = String(self.partial[..<newline])
                    self.partial = String(self.partial[self.partial.index(after: newline)...])
                    if let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] { self.events.append(object) }
                }
                self.condition.broadcast()
            }
        }
        try process.run()
    }

    /// Types one line at the lane.
    func type(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// Every event so far.
    var all: [[String: Any]] { condition.withLock { events } }

    /// Waits for an event named `name` after the first `after` events, matching `where`; returns
    /// it, or throws with the events seen.
    @discardableResult
    func wait(for name: String, after: Int = 0, timeout: Double = 30, where match: ([String: Any]) -> Bool = { _ in true }) throws -> [String: Any] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        return try condition.withLock {
            while true {
                if let found = events.dropFirst(after).first(where: { $0["event"] as? String == name && match($0) }) { return found }
                guard condition.wait(until: deadline) else {
                    throw LaneTestError("no '\(name)' event within \(timeout) s; events: \(events.map { $0["text"] as? String ?? "" })")
                }
            }
        }
    }

    /// Closes standard input and waits for the lane to exit; its status.
    func finish() -> Int32 {
        input.fileHandleForWriting.closeFile()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL, as a power cut would.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct LaneTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
