import Foundation

/// `kassa serve` started by the load test itself, on a temporary data directory and a free
/// loopback port, with a fresh admin token and no rate limit; stopped (SIGTERM) and removed at
/// the end unless asked to keep the data.
final class OwnServer: Sendable {
    let port: Int
    let token: String
    let directory: String
    let keepData: Bool
    private let process: Process
    private let log: @Sendable (String) -> Void

    private init(process: Process, port: Int, token: String, directory: String, keepData: Bool, log: @escaping @Sendable (String) -> Void) {
        self.process = process
        self.port = port
        self.token = token
        self.directory = directory
        self.keepData = keepData
        self.log = log
    }

    static func start(executable: String, keepData: Bool, log: @escaping @Sendable (String) -> Void) async throws -> OwnServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-loadtest-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let token = "lt" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--data", directory + "/data", "--host", "127.0.0.1", "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["KASSA_ADMIN_TOKEN"] = token
        // The load test puts its own programme in force; the load is one token, so no rate limit.
        environment["KASSA_LOYALTY_RULES_FILE"] = ""
        environment["KASSA_HTTP_REQUESTS_PER_SECOND_MAX"] = "0"
        process.environment = environment
        // The server's output goes to files that are read back while it starts: a pipe read
        // through Foundation's readabilityHandler runs on libdispatch, which on Linux now and
        // then crashes the reading process (swift-corelibs-foundation issue 3276).
        let outputPath = directory + "/server.out"
        let logPath = directory + "/server.log"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
              FileManager.default.createFile(atPath: logPath, contents: nil),
              let output = FileHandle(forWritingAtPath: outputPath), let errorOutput = FileHandle(forWritingAtPath: logPath) else {
            throw LoadTestError("could not create the server's output files in \(directory)")
        }
        process.standardOutput = output
        process.standardError = errorOutput
        var lines: [String] { ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        try process.run()
        var port: Int?
        var recovered = false
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline, process.isRunning, !(port != nil && recovered) {
            try await Task.sleep(nanoseconds: 20_000_000)
            let printed = lines
            if port == nil, let line = printed.first(where: { $0.hasPrefix("kassa: listening on http://") }) {
                port = line.split(separator: ":").last.flatMap { Int($0) }
            }
            recovered = printed.contains { $0.hasPrefix("kassa: recovered") }
        }
        guard let port, recovered else {
            if process.isRunning { process.terminate() }
            let printed = lines.joined(separator: "\n")
            let errors = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw LoadTestError("the server did not start:\n\(printed)\n\(errors)")
        }
        return OwnServer(process: process, port: port, token: token, directory: directory, keepData: keepData, log: log)
    }

    func stop() async {
        if process.isRunning { process.terminate() }
        while process.isRunning { try? await Task.sleep(nanoseconds: 20_000_000) }
        if process.terminationStatus != 0 {
            log("kassa loadtest: the server exited with status \(process.terminationStatus); its log: \(directory)/server.log")
            return
        }
        if keepData {
            log("kassa loadtest: the server's data dir is kept: \(directory)/data")
        } else {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
