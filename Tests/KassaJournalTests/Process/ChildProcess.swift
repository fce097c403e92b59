import Foundation
import KassaTestSupport

/// A child process whose standard output is collected line by line as it arrives.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSCondition()
    private var buffer = Data()
    private var collected: [String] = []
    private var ended = false
    private var errors = Data()

    /// The crash and fault tests' child, built next to the test bundle.
    static var probePath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("kassa-journal-probe").path
    }

    init(_ arguments: [String], environment: [String: String] = [:], executable: String = ChildProcess.probePath) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        PipeReader.start(out) { [weak self] data in self?.take(data) }
        PipeReader.start(err) { [weak self] data in
            guard let self else { return }
            self.lock.lock()
            self.errors.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    private func take(_ data: Data) {
        lock.lock()
        if data.isEmpty {
            ended = true
        } else {
            buffer.append(data)
            while let newline = buffer.firstIndex(of: 10) {
                collected.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
        lock.broadcast()
        lock.unlock()
    }

    /// Lines printed so far.
    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }

    /// What it wrote to standard error.
    var standardError: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: errors, as: UTF8.self)
    }

    /// Waits until a line starting with `prefix` arrives; returns it, or nil on timeout or exit.
    func waitForLine(startingWith prefix: String, timeout: Double) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let line = collected.first(where: { $0.hasPrefix(prefix) }) { return line }
            if ended || !lock.wait(until: deadline) { return collected.first(where: { $0.hasPrefix(prefix) }) }
        }
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the process to end and for its output to be read to the end.
    func finish() -> Int32 {
        process.waitUntilExit()
        let deadline = Date(timeIntervalSinceNow: 10)
        lock.lock()
        while !ended && lock.wait(until: deadline) {}
        lock.unlock()
        return process.terminationStatus
    }
}
