import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The emupos harness end to end, without the lane: hand-written ESC/POS over a plain socket and a
/// pseudo-terminal, a scan and a weight read from the devices' pseudo-terminals, and what emupos
/// does with a receipt while the paper is out or the cover open (docs/emupos.md, "Faults").
/// Each test starts its own emupos, which takes one to two seconds.
// One emupos at a time: each is a Python process that takes a core to start.
@Suite("emupos harness", .serialized) struct EmuposHarnessTests {
    @Test func cyrillicReceiptInPC866IsRenderedAndTheDrawerOpensOnce() async throws {
        let emupos = try await Emupos.start(EmuposDevices())
        let port = try #require(emupos.printerTCPPort)

        var bytes: [UInt8] = [0x1B, 0x40, 0x1B, 0x74, 17]  // ESC @; ESC t 17 = PC866 on Epson
        bytes += pc866("Итого к оплате: 125,50 руб.") + [0x0A]
        bytes += pc866("Спасибо! Ёлка") + [0x0A]
        bytes += [0x1B, 0x70, 0x00, 25, 250]  // ESC p 0 25 250: kick pin 2 for 50 ms
        bytes += [0x1D, 0x56, 0x00]  // GS V 0: full cut
        try PrinterSocket(port: port).send(bytes)

        let receipts = try await emupos.waitForReceipts(count: 1)
        #expect(receipts.count == 1)
        #expect(receipts.first?.text == "Итого к оплате: 125,50 руб.\nСпасибо! Ёлка\n")
        #expect(receipts.first?.boundary == .cut)
        let png = try #require(receipts.first?.pngPath)
        #expect(FileManager.default.contents(atPath: png)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        #expect(emupos.drawerOpenCount() == 1)
        #expect(try await emupos.printerState().drawerOpen)
        #expect(!emupos.events().contains { $0.type.hasPrefix("printer.command.unknown") || $0.type.hasPrefix("printer.codepage") })
    }

    @Test func receiptInWPC1251ReadsRightWithTheHarnessProfileThoughEmuposHasNoGlyphsForIt() async throws {
        let emupos = try await Emupos.start(EmuposDevices(printerProfile: .epsonTMT20IIIWithWPC1251))
        let port = try #require(emupos.printerTCPPort)

        let bytes: [UInt8] = [0x1B, 0x40, 0x1B, 0x74, 46] + wpc1251("Сумма: 99,90") + [0x0A, 0x1D, 0x56, 0x00]
        try PrinterSocket(port: port).send(bytes)

        let receipts = try await emupos.waitForReceipts(count: 1)
        #expect(receipts.map(\.text) == ["Сумма: 99,90\n"])
        #expect(emupos.events().contains { $0.type == "printer.codepage.unsupported" && $0.summary.contains("46 (WPC1251)") })
    }

    @Test func scanArrivesOnTheScannerPseudoTerminalFollowedByCarriageReturn() async throws {
        let emupos = try await Emupos.start(EmuposDevices(printerOverTCP: false, scanner: true))
        let scanner = try Terminal(path: try #require(emupos.scannerPath))

        try await emupos.scan("4600000000017")
        try await emupos.scan("2112345012506")

        #expect(try scanner.receive(through: 0x0D) == Array("4600000000017\r".utf8))
        #expect(try scanner.receive(through: 0x0D) == Array("2112345012506\r".utf8))
    }

    @Test func receiptSentWhilePaperIsOutIsHeldWholeAndPrintsOnceTheRollIsReplaced() async throws {
        let emupos = try await Emupos.start(EmuposDevices(jobIdleTimeoutMs: 200))
        let port = try #require(emupos.printerTCPPort)
        try await emupos.setFault(.paperOut, on: true)

        let printer = try PrinterSocket(port: port)
        try printer.send([0x1B, 0x40] + Array("HELD 1\nHELD 2\n".utf8) + [0x1B, 0x70, 0x00, 25, 250, 0x1D, 0x56, 0x00])
        // DLE EOT 4 is real-time: answered at once, after the bytes before it were taken in.
        try printer.send([0x10, 0x04, 0x04])
        #expect(try printer.receive(count: 1) == [0x7E])  // paper near end and not present
        printer.disconnect()
        try await emupos.waitForEvent("connection.closed")
        try await Task.sleep(for: .milliseconds(600))  // three idle timeouts: still nothing

        #expect(try emupos.receipts().isEmpty)
        #expect(emupos.drawerOpenCount() == 0)  // ESC p is held like print data

        try await emupos.setFault(.paperOut, on: false)  // the held data is processed before this returns
        let receipts = try emupos.receipts()
        #expect(receipts.map(\.text) == ["HELD 1\nHELD 2\n"])
        #expect(receipts.map(\.boundary) == [.cut])
        #expect(emupos.drawerOpenCount() == 1)
    }

    @Test func coverOpenHoldsLikePaperOutWhilePaperNearEndOnlyChangesTheStatus() async throws {
        let emupos = try await Emupos.start(EmuposDevices())
        let port = try #require(emupos.printerTCPPort)
        let printer = try PrinterSocket(port: port)
        let roll: [UInt8] = [0x10, 0x04, 0x04]  // DLE EOT 4: roll paper sensor
        let offlineCause: [UInt8] = [0x10, 0x04, 0x02]  // DLE EOT 2: off-line cause

        try printer.send(roll)
        #expect(try printer.receive(count: 1) == [0x12])
        try await emupos.setFault(.paperNearEnd, on: true)
        try printer.send(roll)
        #expect(try printer.receive(count: 1) == [0x1E])
        try printer.send(Array("NEAR END\n".utf8) + [0x1D, 0x56, 0x00])
        #expect(try await emupos.waitForReceipts(count: 1).map(\.text) == ["NEAR END\n"])

        try await emupos.setFault(.coverOpen, on: true)
        try printer.send(offlineCause)
        #expect(try printer.receive(count: 1) == [0x16])
        try printer.send(Array("COVER\n".utf8) + [0x1D, 0x56, 0x00] + offlineCause)
        #expect(try printer.receive(count: 1) == [0x16])
        #expect(try emupos.receipts().count == 1)
        #expect(try await emupos.printerState().faults == [.coverOpen, .paperNearEnd])

        try await emupos.setFault(.coverOpen, on: false)
        #expect(try emupos.receipts().map(\.text) == ["NEAR END\n", "COVER\n"])
    }

    @Test func printerOnAPseudoTerminalPrintsAndAnswersStatus() async throws {
        let emupos = try await Emupos.start(EmuposDevices(printerOverTCP: false, printerOverSerial: true))
        let printer = try Terminal(path: try #require(emupos.printerSerialPath))

        try printer.send([0x1B, 0x40] + Array("OVER SERIAL\n".utf8) + [0x10, 0x04, 0x01, 0x1D, 0x56, 0x00])

        #expect(try printer.receive(count: 1) == [0x12])  // DLE EOT 1: on-line, drawer closed
        #expect(try await emupos.waitForReceipts(count: 1).map(\.text) == ["OVER SERIAL\n"])
    }

    @Test func scaleAnswersTheWeightTheTestPutOnIt() async throws {
        let emupos = try await Emupos.start(EmuposDevices(printerOverTCP: false, scale: true))
        let scale = try Terminal(path: try #require(emupos.scalePath))

        try await emupos.setWeight(grams: 1250)
        try scale.send(Array("W".utf8))

        #expect(try scale.receive(through: 0x0D) == [0x02] + Array("01.250\r".utf8))  // STX, kilograms, CR
    }

    @Test func missingInstallationFailsAndSaysToRunTheInstallScript() throws {
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("no-emupos-\(UUID().uuidString)")
        let error = try #require(throws: EmuposError.self) { try EmuposInstallation.find(home: nowhere) }
        #expect(error.code == .notInstalled)
        #expect(error.description.contains("Run scripts/emupos/install.sh"))
    }
}

// MARK: - Hand-written encodings, so the test does not rest on the lane's own tables

/// PC866: А-Я 0x80-0x9F, а-п 0xA0-0xAF, р-я 0xE0-0xEF, Ё 0xF0, ё 0xF1; ASCII as is.
private func pc866(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { scalar in
        switch scalar.value {
        case 0..<0x80: UInt8(scalar.value)
        case 0x410...0x42F: UInt8(0x80 + scalar.value - 0x410)
        case 0x430...0x43F: UInt8(0xA0 + scalar.value - 0x430)
        case 0x440...0x44F: UInt8(0xE0 + scalar.value - 0x440)
        case 0x401: 0xF0
        case 0x451: 0xF1
        default: UInt8(ascii: "?")
        }
    }
}

/// Windows-1251: А-я 0xC0-0xFF, Ё 0xA8, ё 0xB8; ASCII as is.
private func wpc1251(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { scalar in
        switch scalar.value {
        case 0..<0x80: UInt8(scalar.value)
        case 0x410...0x44F: UInt8(0xC0 + scalar.value - 0x410)
        case 0x401: 0xA8
        case 0x451: 0xB8
        default: UInt8(ascii: "?")
        }
    }
}

// MARK: - Plain POSIX I/O, as a POS would do it

/// How long a test waits for a device's reply byte.
private let replyTimeoutMs: Int32 = 5000

/// A TCP connection to the simulated printer on 127.0.0.1.
private final class PrinterSocket {
    private var descriptor: Int32

    init(port: Int) throws {
        #if os(Linux)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXFailure("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // Safe: the pointer covers one sockaddr_in for the duration of the call.
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let failure = POSIXFailure("connect to 127.0.0.1:\(port)", errno)
            disconnect()
            throw failure
        }
    }

    func send(_ bytes: [UInt8]) throws { try writeAll(descriptor, bytes, "send") }

    func receive(count: Int) throws -> [UInt8] { try readBytes(descriptor, count: count, until: nil) }

    /// Closes the connection, as a POS does after a receipt; emupos then ends any uncut job.
    func disconnect() {
        if descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
    }

    deinit { disconnect() }
}

/// A device's pseudo-terminal, opened the way a POS opens a serial port.
private final class Terminal {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_NOCTTY)
        guard descriptor >= 0 else { throw POSIXFailure("open \(path)", errno) }
    }

    func send(_ bytes: [UInt8]) throws { try writeAll(descriptor, bytes, "write") }

    func receive(count: Int) throws -> [UInt8] { try readBytes(descriptor, count: count, until: nil) }

    func receive(through terminator: UInt8) throws -> [UInt8] { try readBytes(descriptor, count: 4096, until: terminator) }

    deinit { closeDescriptor(descriptor) }
}

private func writeAll(_ descriptor: Int32, _ bytes: [UInt8], _ what: String) throws {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written > 0 else { throw POSIXFailure(what, errno) }
        offset += written
    }
}

/// Reads one byte at a time until `count` bytes or the `terminator`, waiting at most
/// `replyTimeoutMs` for each byte.
private func readBytes(_ descriptor: Int32, count: Int, until terminator: UInt8?) throws -> [UInt8] {
    var received: [UInt8] = []
    while received.count < count {
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, replyTimeoutMs) == 1 else {
            throw POSIXFailure("no byte within \(replyTimeoutMs) ms after \(received)", errno)
        }
        var byte: UInt8 = 0
        guard read(descriptor, &byte, 1) == 1 else { throw POSIXFailure("read", errno) }
        received.append(byte)
        if byte == terminator { break }
    }
    return received
}

private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }

private struct POSIXFailure: Error, CustomStringConvertible {
    let description: String
    init(_ what: String, _ code: Int32) { description = "\(what): \(String(cString: strerror(code)))" }
}
