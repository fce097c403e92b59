import Foundation

/// Two linked pseudo-terminals made by a real `socat` (installed by `make deps`): bytes written
/// to one come out of the other, and stopping socat hangs both up, as unplugging a USB serial
/// adapter does. Starting it again with the same link paths is plugging the adapter back in.
public final class SerialPtyPair {
    /// The link to the first pty (the till's side in the tests).
    public let pathA: String
    /// The link to the second pty (the device's side).
    public let pathB: String
    private let directory: String
    private var socat: Process?

    public init() throws {
        directory = NSTemporaryDirectory() + "kassa-pty-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        pathA = directory + "/till"
        pathB = directory + "/device"
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts socat and waits until both links exist.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        process.arguments = ["-d", "-d", "pty,raw,echo=0,link=\(pathA)", "pty,raw,echo=0,link=\(pathB)"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        socat = process
        let deadline = Date().addingTimeInterval(20)
        while !(FileManager.default.fileExists(atPath: pathA) && FileManager.default.fileExists(atPath: pathB)) {
            guard Date() < deadline, process.isRunning else { throw PtyError("socat did not make \(pathA) and \(pathB)") }
            usleep(2_000)
        }
    }

    /// Stops socat (both ptys hang up) and removes the links.
    public func stop() {
        guard let socat else { return }
        // SIGKILL, not SIGTERM: the test process may start children with SIGTERM blocked, and
        // an instant death is what an unplugged cable looks like anyway.
        if socat.isRunning { kill(socat.processIdentifier, SIGKILL) }
        socat.waitUntilExit()
        self.socat = nil
        try? FileManager.default.removeItem(atPath: pathA)
        try? FileManager.default.removeItem(atPath: pathB)
    }
}

public struct PtyError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
