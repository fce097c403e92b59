import Foundation
import KassaTestSupport
import Glibc
import KassaDevices
import Testing

/// The termios transport over real pseudo-terminals: what it writes arrives, what arrives it
/// reads, it waits no longer than asked, and a hang-up is `.offline`.
@Suite struct TermiosTransportTests {
    @Test(arguments: ["1200 8N1", "9600 8N1", "115200 8N1", "19200 7E1 xon-xoff"])
    func bytesCrossBothWaysAtEachSetting(_ text: String) throws {
        let pair = try SerialPtyPair()
        let settings = try SerialSettings(parsing: text)
        let till = TermiosTransport(path: pair.pathA, settings: settings)
        let device = TermiosTransport(path: pair.pathB, settings: settings)
        try till.open()
        try device.open()
        let scan = Array("4006381333931\r".utf8)
        try device.write(scan, timeoutMs: 1_000)
        #expect(try readAll(till, count: scan.count) == scan)
        let command: [UInt8] = [0x1B, 0x40, 0x41, 0x42]
        try till.write(command, timeoutMs: 1_000)
        #expect(try readAll(device, count: command.count) == command)
    }

    @Test func aReadWithNothingToReadReturnsEmptyAfterItsTimeout() throws {
        let pair = try SerialPtyPair()
        let till = TermiosTransport(path: pair.pathA, settings: SerialSettings())
        try till.open()
        let started = Date()
        #expect(try till.read(maxBytes: 64, timeoutMs: 60).isEmpty)
        let waitedMs = Date().timeIntervalSince(started) * 1000
        // Not before its timeout; the upper bound only tells a read that waits forever, since a
        // busy machine can be late to wake the reader.
        #expect(waitedMs >= 50 && waitedMs < 10_000)
        #expect(try till.read(maxBytes: 64, timeoutMs: 0).isEmpty)
    }

    /// A pty keeps only the software side of termios (speed, raw mode, XON/XOFF); Linux leaves
    /// its "hardware" bits (character size, parity, stop bits, RTS/CTS) alone, so those are set
    /// on real UARTs only and are not checked here.
    @Test func speedRawModeAndSoftwareFlowControlReachTheTerminal() throws {
        let pair = try SerialPtyPair()
        let till = TermiosTransport(path: pair.pathA, settings: try SerialSettings(parsing: "19200 8N1 xon-xoff"))
        try till.open()
        let descriptor = open(pair.pathA, O_RDONLY | O_NOCTTY | O_NONBLOCK)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var options = termios()
        #expect(tcgetattr(descriptor, &options) == 0)
        #expect(cfgetospeed(&options) == speed_t(B19200))
        #expect(UInt32(options.c_lflag) & UInt32(ICANON | ECHO | ISIG) == 0)
        #expect(UInt32(options.c_iflag) & UInt32(IXON | IXOFF) == UInt32(IXON | IXOFF))
        #expect(UInt32(options.c_oflag) & UInt32(OPOST) == 0)
    }

    @Test func aSecondOpenOfTheSamePortIsBusy() throws {
        let pair = try SerialPtyPair()
        let first = TermiosTransport(path: pair.pathA, settings: SerialSettings())
        try first.open()
        let second = TermiosTransport(path: pair.pathA, settings: SerialSettings())
        let error = #expect(throws: DeviceError.self) { try second.open() }
        #expect(error?.code == .busy)
        first.close()
        try second.open()
    }

    @Test func theOtherEndHangingUpIsOffline() throws {
        let pair = try SerialPtyPair()
        let till = TermiosTransport(path: pair.pathA, settings: SerialSettings())
        try till.open()
        pair.stop()
        let error = #expect(throws: DeviceError.self) {
            for _ in 0..<50 { _ = try till.read(maxBytes: 16, timeoutMs: 100) }
        }
        #expect(error?.code == .offline)
        let writing = #expect(throws: DeviceError.self) { try till.write([1, 2, 3], timeoutMs: 100) }
        #expect(writing?.code == .offline)
    }

    @Test func dtrDsrFlowControlIsRefusedWithAReason() throws {
        let pair = try SerialPtyPair()
        let till = TermiosTransport(path: pair.pathA, settings: SerialSettings(flowControl: .dtrDsr))
        let error = #expect(throws: DeviceError.self) { try till.open() }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("DTR/DSR") == true)
    }
}

/// Reads from `transport` until `count` bytes came or ten seconds passed (bytes relayed through
/// socat can be late on a busy machine; a test that works does not wait that long).
func readAll(_ transport: some ByteTransport, count: Int) throws -> [UInt8] {
    var bytes: [UInt8] = []
    let deadline = Date().addingTimeInterval(10)
    while bytes.count < count && Date() < deadline {
        bytes += try transport.read(maxBytes: count - bytes.count, timeoutMs: 100)
    }
    return bytes
}
