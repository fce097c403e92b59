import Foundation
import KassaDevices
import Testing

/// A file stands in for a printer (bytes appended) or a recorded scanner stream (bytes read).
@Suite struct FileTransportTests {
    @Test func bytesWrittenToAFileReadBackInOrder() throws {
        let path = NSTemporaryDirectory() + "kassa-file-transport-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let printer = FileTransport(path: path, direction: .output)
        try printer.open()
        try printer.write([0x1B, 0x40], timeoutMs: 100)
        try printer.write(Array("Итого".utf8), timeoutMs: 100)
        printer.close()
        let scanner = FileTransport(path: path, direction: .input)
        try scanner.open()
        var read: [UInt8] = []
        while case let chunk = try scanner.read(maxBytes: 3, timeoutMs: 100), !chunk.isEmpty { read += chunk }
        #expect(read == [0x1B, 0x40] + Array("Итого".utf8))
    }

    @Test func aMissingInputFileIsNoHardwareAndAClosedTransportSaysSo() {
        let missing = FileTransport(path: "/nonexistent/kassa-scanner", direction: .input)
        let opening = #expect(throws: DeviceError.self) { try missing.open() }
        #expect(opening?.code == .noHardware)
        let reading = #expect(throws: DeviceError.self) { try missing.read(maxBytes: 1, timeoutMs: 0) }
        #expect(reading?.code == .closed)
    }
}
