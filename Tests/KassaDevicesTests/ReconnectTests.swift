import Foundation
import KassaTestSupport
import KassaDevices
import Synchronization
import Testing

/// A device connection over a real pty pair: data in, writes out, and when socat stops (the
/// adapter is unplugged) the connection reports offline and reconnects once socat is back with
/// the same link paths.
@Suite struct ReconnectTests {
    static let fastBackoff = ReconnectBackoff.Policy(initialDelayMs: 20, multiplier: 2, maxDelayMs: 200, healthyAfterMs: 1_000)

    @Test func aConnectionForwardsDataAndWritesAndReconnectsAfterAnUnplug() throws {
        let pair = try SerialPtyPair()
        let events = DeviceEventRecorder()
        let connection = DeviceConnection(name: "scanner", transport: SerialTransport(path: pair.pathA, settings: SerialSettings()),
                                          options: .init(readTimeoutMs: 20, backoff: Self.fastBackoff), onEvent: events.record)
        connection.start()
        defer { connection.stop() }
        try events.waitFor { $0.contains(.statusUpdate(.online)) }
        #expect(events.all.first == .statusUpdate(.offline))

        var device = TermiosTransport(path: pair.pathB, settings: SerialSettings())
        try device.open()
        try device.write(Array("0123\r".utf8), timeoutMs: 500)
        try events.waitFor { $0.dataBytes == Array("0123\r".utf8) }
        let output = try connection.send([0x07])
        #expect(try readAll(device, count: 1) == [0x07])
        try events.waitFor { $0.contains(.outputComplete(output: output)) }

        device.close()
        pair.stop()
        try events.waitFor { $0.last == .statusUpdate(.offline) }
        let refused = #expect(throws: DeviceError.self) { try connection.send([0x07]) }
        #expect(refused?.code == .offline)

        try pair.start()
        try events.waitFor { $0.filter { $0 == .statusUpdate(.online) }.count == 2 }
        device = TermiosTransport(path: pair.pathB, settings: SerialSettings())
        try device.open()
        try device.write(Array("4567\r".utf8), timeoutMs: 500)
        try events.waitFor { $0.dataBytes == Array("0123\r4567\r".utf8) }
    }

    @Test func aDeviceMissingAtStartIsOfflineUntilItAppears() throws {
        let pair = try SerialPtyPair()
        pair.stop()
        let events = DeviceEventRecorder()
        let connection = DeviceConnection(name: "printer", transport: SerialTransport(path: pair.pathA, settings: SerialSettings()),
                                          options: .init(readTimeoutMs: 20, backoff: Self.fastBackoff), onEvent: events.record)
        connection.start()
        defer { connection.stop() }
        try events.waitFor { $0 == [.statusUpdate(.offline)] }
        usleep(100_000)
        #expect(events.all == [.statusUpdate(.offline)]) // missing hardware is not an error event on every retry
        try pair.start()
        try events.waitFor { $0.contains(.statusUpdate(.online)) }
    }

    @Test func aTCPPrinterThatRestartsIsReconnected() throws {
        var first: LoopbackListener? = try LoopbackListener()
        let port = try #require(first?.port)
        let events = DeviceEventRecorder()
        let connection = DeviceConnection(name: "printer", transport: TCPTransport(host: "127.0.0.1", port: port, connectTimeoutMs: 200),
                                          options: .init(readTimeoutMs: 20, backoff: Self.fastBackoff), onEvent: events.record)
        connection.start()
        defer { connection.stop() }
        var peer = try #require(first).accept()
        try events.waitFor { $0.contains(.statusUpdate(.online)) }
        // The printer restarts: nothing listens for a while. The listener goes first, so the
        // connection cannot reconnect into its backlog once the peer is gone.
        first = nil
        close(peer)
        try events.waitFor { $0.last == .statusUpdate(.offline) }
        let second = try LoopbackListener(port: port)
        peer = try second.accept()
        defer { close(peer) }
        try events.waitFor { $0.filter { $0 == .statusUpdate(.online) }.count == 2 }
        let output = try connection.send(Array("again\n".utf8))
        #expect(receiveAll(peer, count: 6) == Array("again\n".utf8))
        try events.waitFor { $0.contains(.outputComplete(output: output)) }
    }

    @Test func stopClosesTheTransportAndLaterSendsAreRefused() throws {
        let pair = try SerialPtyPair()
        let events = DeviceEventRecorder()
        let connection = DeviceConnection(name: "scanner", transport: SerialTransport(path: pair.pathA, settings: SerialSettings()),
                                          options: .init(readTimeoutMs: 20), onEvent: events.record)
        connection.start()
        try events.waitFor { $0.contains(.statusUpdate(.online)) }
        connection.stop()
        let error = #expect(throws: DeviceError.self) { try connection.send([1]) }
        #expect(error?.code == .closed)
        let again = TermiosTransport(path: pair.pathA, settings: SerialSettings())
        try again.open() // the connection's lock on the port is gone
    }
}

/// Collects a connection's events and waits, by polling, until they satisfy a condition.
final class DeviceEventRecorder: Sendable {
    private let events = Mutex<[DeviceEvent]>([])

    var record: @Sendable (DeviceEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }
    var all: [DeviceEvent] { events.withLock { $0 } }

    func waitFor(timeoutMs: Int = 15_000, _ condition: ([DeviceEvent]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while !condition(all) {
            guard Date() < deadline else { throw PtyError("events never matched; got \(all)") }
            usleep(2_000)
        }
    }
}

extension [DeviceEvent] {
    /// The bytes of every `.data` event, joined.
    var dataBytes: [UInt8] {
        flatMap { event -> [UInt8] in
            if case .data(let bytes) = event { return bytes }
            return []
        }
    }
}
