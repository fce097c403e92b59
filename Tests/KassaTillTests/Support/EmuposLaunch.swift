import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One attempt to start `emupos run`: its directory, configuration, ports and process.
final class EmuposLaunch: @unchecked Sendable {
    let directory: URL
    let configuration: EmuposConfiguration
    let process = Process()
    let outputPath: String
    let errorsPath: String
    let api: EmuposControlAPI

    /// How long SIGTERM gets before SIGKILL; emupos closes everything within a second.
    static let terminateGraceSeconds = 5.0
    /// How often readiness is polled.
    static let pollIntervalMs = 50

    /// `emupos` as `python3 -c`, with every signal unblocked first. On Linux a child of the test
    /// runner inherits its thread's signal mask, in which SIGTERM is blocked; Python keeps the mask,
    /// so emupos would never see `stop()`'s SIGTERM and never shut down cleanly.
    static let unblockSignalsThenRunEmupos = """
        import signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        sys.argv[0] = "emupos"
        from emupos.cli.app import main
        main()
        """

    init(installation: EmuposInstallation, devices: EmuposDevices) throws {
        let files = FileManager.default
        directory = files.temporaryDirectory.appendingPathComponent("kassa-emupos-\(UUID().uuidString)")
        let temporary = directory.appendingPathComponent("tmp")
        try files.createDirectory(at: temporary, withIntermediateDirectories: true)
        configuration = EmuposConfiguration(
            devices: devices, apiPort: try LoopbackPort.free(), printerPort: try LoopbackPort.free(),
            receiptsDirectory: directory.appendingPathComponent("receipts").path, profileDirectory: directory.path)
        api = EmuposControlAPI(port: configuration.apiPort)
        if let profile = configuration.profileFile {
            try profile.text.write(toFile: profile.path, atomically: true, encoding: .utf8)
        }
        let configPath = directory.appendingPathComponent("emupos.yaml").path
        try configuration.yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        outputPath = directory.appendingPathComponent("emupos.out").path
        errorsPath = directory.appendingPathComponent("emupos.err").path
        process.executableURL = URL(fileURLWithPath: installation.python)
        process.arguments = ["-c", Self.unblockSignalsThenRunEmupos, "run", "--config", configPath]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = installation.sitePackages
        environment["TMPDIR"] = temporary.path  // pty links go to $TMPDIR/emupos/<device id>
        environment["PYTHONUNBUFFERED"] = "1"  // every event line reaches the file at once
        environment["NO_COLOR"] = "1"
        environment["FORCE_COLOR"] = nil
        environment["EMUPOS_API"] = nil
        process.environment = environment
        guard files.createFile(atPath: outputPath, contents: nil), files.createFile(atPath: errorsPath, contents: nil),
              let printed = FileHandle(forWritingAtPath: outputPath), let errors = FileHandle(forWritingAtPath: errorsPath)
        else {
            throw EmuposError(.startFailed, "cannot write emupos's output in \(directory.path)")
        }
        // The child gets its own copies of the descriptors; the parent's are closed once it runs.
        defer {
            try? printed.close()
            try? errors.close()
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = printed
        process.standardError = errors
        try process.run()
    }

    /// Waits until the control API answers and reads the devices' pseudo-terminal paths.
    func waitUntilReady(timeoutSeconds: Double) async throws -> EmuposEndpoints {
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        // Asked before the deadline is looked at: a test process whose threads were all busy
        // with other suites may come back here late, and emupos has been ready all along.
        while true {
            guard process.isRunning else {
                throw EmuposError(.startFailed, "emupos run exited with status \(process.terminationStatus):\n\(output)")
            }
            if let (status, _) = try? await api.send("GET", "/health"), status == 200 {
                return try await EmuposEndpoints.read(from: api, devices: configuration.devices)
            }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(Self.pollIntervalMs))
        }
        throw EmuposError(.startFailed, "emupos run did not answer on 127.0.0.1:\(configuration.apiPort) within \(timeoutSeconds) s:\n\(output)")
    }

    /// Whether the start failed because a port chosen for it was taken meanwhile.
    var portWasTaken: Bool {
        let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        return errors.contains("already in use") || errors.contains("is not available")
    }

    /// What emupos printed, standard output then standard error.
    var output: String {
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        return printed + "\n[stderr]\n" + errors
    }

    /// Gives up on this attempt: stops the process and, unless asked to keep it, the directory.
    func abandon(keepDirectory: Bool = false) {
        Self.terminate(process)
        if !keepDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    /// SIGTERM, then SIGKILL if the process is still there after `terminateGraceSeconds`.
    static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date(timeIntervalSinceNow: terminateGraceSeconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// The pseudo-terminals emupos opened for the devices, as `GET /api/v1/devices/{id}` reports them.
struct EmuposEndpoints: Sendable {
    var printerSerialPath: String?
    var scannerPath: String?
    var scalePath: String?

    static func read(from api: EmuposControlAPI, devices: EmuposDevices) async throws -> EmuposEndpoints {
        var endpoints = EmuposEndpoints()
        if devices.printerOverSerial { endpoints.printerSerialPath = try await serialPath(api, EmuposConfiguration.printerID) }
        if devices.scanner { endpoints.scannerPath = try await serialPath(api, EmuposConfiguration.scannerID) }
        if devices.scale { endpoints.scalePath = try await serialPath(api, EmuposConfiguration.scaleID) }
        return endpoints
    }

    /// The `/dev/pts/N` of the device's serial connection (its `device_path`).
    private static func serialPath(_ api: EmuposControlAPI, _ id: String) async throws -> String {
        let device = try await api.device(id)
        let connections = device["connections"] as? [[String: Any]] ?? []
        guard let path = connections.lazy.compactMap({ $0["device_path"] as? String }).first else {
            throw EmuposError(.startFailed, "emupos reports no pseudo-terminal for `\(id)`: \(device)")
        }
        return path
    }
}
