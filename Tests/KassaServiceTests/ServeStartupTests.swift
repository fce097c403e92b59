import Foundation
import KassaTestSupport
import Testing

/// `kassa serve` when its listener cannot come up (a plain message naming the address and the
/// setting to change, exit status 2, nothing else disturbed) or is full.
@Suite("kassa serve: a listener that cannot come up or is full")
struct ServeStartupTests {
    /// Runs `kassa serve` on a fresh data directory with `arguments` until it exits.
    func serve(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        try runKassa(["serve", "--data", TemporaryDirectories.fresh("kassa-serve-startup")] + arguments)
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

    @Test func aFullListenerHoldsConnectionsBackWithoutSpinningAndTakesThemWhenOthersClose() async throws {
        // Under a limit of 200 open files the server holds 72 connections; 250 would run it out
        // of descriptors, and a listener out of descriptors fails every accept at once, again
        // and again, at a full core.
        let server = try ServerProcess(openFiles: 200)
        defer { _ = server.stop() }
        #expect(server.printed.contains { $0.hasPrefix("kassa: up to 72 connections at once (open-file limit 200)") }, "\(server.printed)")
        var held = try (0..<250).map { _ in try TillFastPathTests.Connection(port: server.port) }
        let pid = server.process.processIdentifier
        let before = try cpuSeconds(pid)
        try await Task.sleep(for: .seconds(3))
        let used = try cpuSeconds(pid) - before
        #expect(used < 0.75, "the server used \(used) s of CPU in 3 s with nothing to do but wait for room")
        // The last connection waits to be accepted; it is served once the others close.
        let waiting = held.removeLast()
        try waiting.send("GET /healthz HTTP/1.1\r\nHost: kassa\r\n\r\n")
        held.removeAll()
        #expect(try waiting.reply()?.status == 200)
        #expect(try await server.call("GET", "/healthz").status == 200)
    }

    /// User and system CPU time of process `pid` so far, from /proc.
    func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which ends at the last ')': state is the first,
        // utime and stime the 12th and 13th.
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        let ticks = try #require(Double(fields[11])) + (try #require(Double(fields[12])))
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// A till switched off at the wall sends no FIN: the server probes idle connections so that
/// the system closes those whose peer is gone. (Making a loopback peer vanish needs a packet
/// filter, so this checks that the probes are armed on the server's end of a real connection.)
@Suite("kassa serve: idle connections are probed")
struct IdleConnectionProbeTests {
    @Test func anIdleConnectionHasItsKeepAliveTimerRunning() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let connection = try TillFastPathTests.Connection(port: server.port)
        try connection.send("GET /healthz HTTP/1.1\r\nHost: kassa\r\n\r\n")
        #expect(try connection.reply()?.status == 200)
        // /proc/net/tcp: the server's end has the server's port as its local address, and a
        // timer kind ("tr") of 2 while a keep-alive probe is scheduled (0 when no timer runs).
        // Read to its end through a file handle: String(contentsOfFile:) stops after the first
        // page of a /proc file (about 27 rows), and the whole suite holds thousands. The
        // table is read in pieces while other tests open and close connections, so a row can
        // still be missed in one reading: read it again until the row is there.
        let port = String(format: "%04X", server.port)
        var ends: [[Substring]] = []
        for _ in 0..<20 where ends.isEmpty {
            let file = try #require(FileHandle(forReadingAtPath: "/proc/net/tcp"))
            let table = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
            try file.close()
            let rows: [[Substring]] = table.split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
            ends = rows.filter { (row: [Substring]) -> Bool in
                row.count > 5 && row[1].hasSuffix(":" + port) && row[3] == "01"
            }
            if ends.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ends.count == 1, "the server's end of the connection: \(ends)")
        #expect(ends.allSatisfy { $0[5].hasPrefix("02:") }, "timer of the server's end: \(ends.map { $0[5] })")
        // The connection stays open until here.
        withExtendedLifetime(connection) {}
    }
}
