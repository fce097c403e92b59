import Foundation
import KassaTestSupport
import Glibc
import KassaDevices
import Testing

/// The raw TCP transport against listeners the tests open on loopback.
@Suite struct TCPTransportTests {
    @Test func bytesCrossBothWays() throws {
        let listener = try LoopbackListener()
        let printer = TCPTransport(host: "127.0.0.1", port: listener.port, connectTimeoutMs: 1_000)
        try printer.open()
        let peer = try listener.accept()
        defer { close(peer) }
        let receipt: [UInt8] = [0x1B, 0x40] + Array("TOTAL 12.50\n".utf8) + [0x1D, 0x56, 0x00]
        try printer.write(receipt, timeoutMs: 1_000)
        #expect(receiveAll(peer, count: receipt.count) == receipt)
        let status: [UInt8] = [0x12]
        _ = status.withUnsafeBytes { send(peer, $0.baseAddress, $0.count, 0) }
        #expect(try readAll(printer, count: 1) == status)
        #expect(try printer.read(maxBytes: 16, timeoutMs: 20).isEmpty)
    }

    @Test func thePeerClosingIsOffline() throws {
        let listener = try LoopbackListener()
        let printer = TCPTransport(host: "127.0.0.1", port: listener.port)
        try printer.open()
        close(try listener.accept())
        let error = #expect(throws: DeviceError.self) { _ = try printer.read(maxBytes: 16, timeoutMs: 1_000) }
        #expect(error?.code == .offline)
    }

    /// Refused is offline, not noHardware: the host answered, and a network printer refuses
    /// while it boots, so the reconnect loop should keep trying.
    @Test func aRefusedConnectionIsOffline() throws {
        let port = try LoopbackListener().port // closed again when the listener goes
        let printer = TCPTransport(host: "127.0.0.1", port: port, connectTimeoutMs: 1_000)
        let error = #expect(throws: DeviceError.self) { try printer.open() }
        #expect(error?.code == .offline)
        #expect(error?.errno == ECONNREFUSED)
    }

    /// A listener that never accepts and whose backlog is full drops new connection requests,
    /// which is what an absent host looks like from here.
    @Test func aConnectionThatIsNeverAnsweredTimesOut() throws {
        let listener = try LoopbackListener(backlog: 0)
        var connected: [TCPTransport] = []
        let started = Date()
        var error: DeviceError?
        for _ in 0..<8 where error == nil {
            let printer = TCPTransport(host: "127.0.0.1", port: listener.port, connectTimeoutMs: 150)
            do {
                try printer.open()
                connected.append(printer)
            } catch let failure {
                error = failure
            }
        }
        #expect(error?.code == .timeout)
        // Eight attempts of 150 ms: well under ten seconds unless a timeout is not kept (the
        // bound is loose because a busy machine is late to wake the waiting thread).
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(!connected.isEmpty)
    }

    @Test func aHostThatCannotBeNamedIsNotRetriedAsOffline() {
        let printer = TCPTransport(host: "not a host name", port: 9100, connectTimeoutMs: 200)
        let error = #expect(throws: DeviceError.self) { try printer.open() }
        #expect(error?.code == .noHardware || error?.code == .offline)
    }
}

/// A TCP listener on 127.0.0.1 and a port the system chose.
final class LoopbackListener {
    let descriptor: Int32
    let port: UInt16

    init(port wanted: UInt16 = 0, backlog: Int32 = 4) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.descriptor = descriptor
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = wanted.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound, listen(descriptor, backlog) == 0 else { throw PtyError("cannot listen on loopback: \(errno)") }
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }

    /// Accepts one connection, waiting at most ten seconds (a reconnecting thread can be late on
    /// a busy machine).
    func accept() throws -> Int32 {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 10_000) == 1 else { throw PtyError("nobody connected") }
        return Glibc.accept(descriptor, nil, nil)
    }
}

/// Receives until `count` bytes came or ten seconds passed.
func receiveAll(_ socket: Int32, count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    let deadline = Date().addingTimeInterval(10)
    while bytes.count < count && Date() < deadline {
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 100) == 1 else { continue }
        var chunk = [UInt8](repeating: 0, count: count - bytes.count)
        let got = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard got > 0 else { break }
        bytes += chunk.prefix(got)
    }
    return bytes
}
