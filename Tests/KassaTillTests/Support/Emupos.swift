import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// emupos 0.4.0, the POS device simulator, running as a child process for one test.
///
/// Each instance has its own temporary directory (configuration, receipts, output, and `TMPDIR`,
/// so its pseudo-terminal links never meet another test's), its own free loopback ports and
/// fixed device ids (`printer`, `scanner`, `scale`). Tests talk to the devices over their real
/// protocols, and act on the physical world (scans, faults, the drawer) through this type.
/// `stop()` ends the process with SIGTERM; `deinit` stops it too and removes the directory
/// (kept when `KASSA_EMUPOS_KEEP` is set, to look at the receipts). See docs/emupos.md.
final class Emupos: @unchecked Sendable {
    /// The temporary directory of this run.
    let directory: URL
    /// The control API's port on 127.0.0.1.
    let apiPort: Int
    /// The printer's TCP port on 127.0.0.1, when the test asked for a printer over TCP.
    let printerTCPPort: Int?
    /// The printer's pseudo-terminal (`/dev/pts/N`), when the test asked for a printer over serial.
    let printerSerialPath: String?
    /// The scanner's pseudo-terminal, when the test asked for a scanner.
    let scannerPath: String?
    /// The scale's pseudo-terminal, when the test asked for a scale.
    let scalePath: String?
    /// The devices this run simulates.
    let devices: EmuposDevices

    /// `emupos run`, a child of the test process.
    let process: Process
    /// Its standard output: the startup table, then one line per event (see `EmuposEvent`).
    let outputPath: String
    /// Its standard error: startup failures and Python tracebacks.
    let errorsPath: String
    /// Where the printer writes `<receipt id>.txt`, `.png` and `.json`.
    let receiptsDirectory: String
    private let lock = NSLock()
    private var stopped = false

    /// How many times a start is tried when a chosen port was taken in between.
    static let startAttemptsMax = 3

    private init(launch: EmuposLaunch, endpoints: EmuposEndpoints) {
        directory = launch.directory
        apiPort = launch.configuration.apiPort
        printerTCPPort = launch.configuration.devices.printerOverTCP ? launch.configuration.printerPort : nil
        printerSerialPath = endpoints.printerSerialPath
        scannerPath = endpoints.scannerPath
        scalePath = endpoints.scalePath
        devices = launch.configuration.devices
        process = launch.process
        outputPath = launch.outputPath
        errorsPath = launch.errorsPath
        receiptsDirectory = launch.configuration.receiptsDirectory
    }

    /// Starts emupos with `devices` and returns once its control API answers and every device
    /// is open. Fails with the install command when emupos is not installed, and with emupos's
    /// own output when it exits or does not answer within `readyTimeoutSeconds`.
    static func start(_ devices: EmuposDevices = EmuposDevices(), readyTimeoutSeconds: Double = 120) async throws -> Emupos {
        guard !devices.isEmpty else { throw EmuposError(.deviceNotConfigured, "ask for at least one device") }
        let installation = try EmuposInstallation.find()
        var attempt = 1
        while true {
            let launch = try EmuposLaunch(installation: installation, devices: devices)
            do {
                let endpoints = try await launch.waitUntilReady(timeoutSeconds: readyTimeoutSeconds)
                return Emupos(launch: launch, endpoints: endpoints)
            } catch let error as EmuposError where error.code == .startFailed && launch.portWasTaken && attempt < startAttemptsMax {
                launch.abandon()
                attempt += 1
            } catch {
                launch.abandon(keepDirectory: true)
                throw error
            }
        }
    }

    /// Ends emupos with SIGTERM (it closes its ports and removes its links), or SIGKILL after
    /// five seconds. The directory and its receipts stay until `deinit`. Safe to call twice.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        EmuposLaunch.terminate(process)
    }

    deinit {
        stop()
        if ProcessInfo.processInfo.environment["KASSA_EMUPOS_KEEP"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// What `emupos run` printed so far, for a failing test's message.
    var output: String {
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        return errors.isEmpty ? printed : printed + "\n[stderr]\n" + errors
    }

    /// Every event emupos published so far, oldest first.
    func events() -> [EmuposEvent] {
        EmuposEvent.parse((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// Waits until emupos has published at least `count` events of `type`, e.g. `connection.closed`.
    func waitForEvent(_ type: String, count: Int = 1, timeoutSeconds: Double = 10) async throws {
        try await waitUntil("\(count) \(type) event(s)", timeoutSeconds: timeoutSeconds) {
            self.events().count(where: { $0.type == type }) >= count
        }
    }
}
