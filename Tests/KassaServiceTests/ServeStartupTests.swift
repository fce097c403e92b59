import Foundation
import KassaTestSupport
import Testing

/// `kassa serve` when its listener cannot come up: a plain message naming the address and the
/// setting to change, exit status 2, and nothing else disturbed.
@Suite("kassa serve: a listener that cannot come up")
struct ServeStartupTests {
    /// Runs `kassa serve` on a fresh data directory with `arguments` until it exits.
    func serve(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        process.arguments = ["serve", "--data", TemporaryDirectories.fresh("kassa-serve-startup")] + arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, errors)
    }

    @Test func aPortInUseIsNamedAndTheServerThereKeepsServing() async throws {
        let first = try ServerProcess()
        defer { _ = first.stop() }
        let second = try serve(["--port", String(first.port)])
        #expect(second.status == 2)
        #expect(second.errors.contains("cannot listen on 127.0.0.1:\(first.port): the address is in use"), "\(second.errors)")
        #expect(second.errors.contains("--port"))
        #expect(try await first.call("GET", "/healthz").status == 200)
    }

    @Test func anAddressOfNoInterfaceIsNamed() throws {
        // 192.0.2.1 is reserved for documentation (RFC 5737): no interface here has it.
        let result = try serve(["--host", "192.0.2.1", "--port", "0"])
        #expect(result.status == 2)
        #expect(result.errors.contains("cannot listen on 192.0.2.1:0: no network interface here has that address"), "\(result.errors)")
    }
}
