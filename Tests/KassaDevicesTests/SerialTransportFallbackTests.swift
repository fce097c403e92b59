import Foundation
import KassaTestSupport
import KassaDevices
import Testing

/// libserialport 0.1.1 refuses pseudo-terminals; the serial factory then uses termios.
@Suite struct SerialTransportFallbackTests {
    @Test func libserialportRefusesAPseudoTerminal() throws {
        let pair = try SerialPtyPair()
        let library = SerialPortTransport(path: pair.pathA, settings: SerialSettings())
        let error = #expect(throws: DeviceError.self) { try library.open() }
        #expect(error.map { !$0.message.isEmpty } == true)
    }

    @Test func theFactoryFallsBackToTermiosAndBytesFlow() throws {
        let pair = try SerialPtyPair()
        let till = try SerialTransport.open(path: pair.pathA, settings: try SerialSettings(parsing: "38400 8N1"))
        #expect(till.backend == .termios)
        #expect(till.libserialportRefusal != nil)
        let device = TermiosTransport(path: pair.pathB, settings: try SerialSettings(parsing: "38400 8N1"))
        try device.open()
        try till.write(Array("ping".utf8), timeoutMs: 500)
        #expect(try readAll(device, count: 4) == Array("ping".utf8))
        try device.write(Array("pong".utf8), timeoutMs: 500)
        #expect(try readAll(till, count: 4) == Array("pong".utf8))
    }

    @Test func aPathThatDoesNotExistIsNoHardwareWithoutAFallback() {
        let missing = SerialTransport(path: "/dev/kassa-no-such-port", settings: SerialSettings())
        let error = #expect(throws: DeviceError.self) { try missing.open() }
        #expect(error?.code == .noHardware)
        #expect(missing.backend == nil)
    }

    @Test func readingAClosedPortSaysItIsClosed() {
        let port = SerialTransport(path: "/dev/kassa-no-such-port", settings: SerialSettings())
        let error = #expect(throws: DeviceError.self) { try port.read(maxBytes: 1, timeoutMs: 0) }
        #expect(error?.code == .closed)
    }
}
