import Foundation
import KassaDevices
import KassaTestSupport
import Testing

/// A serial scanner that ends its codes with a pause instead of a suffix, and the 2×20 customer
/// display, each on a real pseudo-terminal pair made by socat: the test holds the device's end.
@Suite("kassa till with a serial scanner and a customer display on pseudo-terminals", .serialized)
struct LanePtyDevicesTests {
    @Test func aPauseEndsAScanAndTheDisplayShowsTheItemAndTheTotalInCP866() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-pty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try LaneTestServer.started(data: root + "/server", products: [
            ["sku": "4607001234562", "name": "Молоко", "category": "dairy", "price": 8990],
        ])
        defer { server.stop() }
        let scannerPair = try SerialPtyPair(), displayPair = try SerialPtyPair()
        try """
            scanner:
              suffix: none
              inter_byte_timeout_ms: 60
            """.write(toFile: root + "/devices.yaml", atomically: true, encoding: .utf8)
        let till = try TillProcess(server: server.url, token: server.tokens["till"] ?? "", data: root + "/lane",
                                   extra: ["--devices", root + "/devices.yaml", "--scanner", scannerPair.pathA, "--display", displayPair.pathA])
        defer { till.kill() }
        try till.wait(for: "catalog")

        let scanner = TermiosTransport(path: scannerPair.pathB, settings: SerialSettings())
        try scanner.open()
        defer { scanner.close() }
        // Two codes in two bursts with a pause between: two scans, no suffix needed.
        try scanner.write(Array("4607001234562".utf8), timeoutMs: 1_000)
        try till.wait(for: "item")
        try scanner.write(Array("4607001234562".utf8), timeoutMs: 1_000)
        try till.wait(for: "item") { $0["subtotal"] as? Int == 17980 }
        till.type("total")
        try till.wait(for: "total")

        let display = TermiosTransport(path: displayPair.pathB, settings: SerialSettings())
        try display.open()
        defer { display.close() }
        var shown: [UInt8] = []
        let deadline = Date(timeIntervalSinceNow: 20)
        let total = CodePage.cp866.encode("ИТОГО")
        let amount = Array("179.80".utf8)
        // The display showed a total after the first item too (89.90), and the pseudo-terminal
        // may hand over one frame at a time: read until the final total has come.
        while Date() < deadline, !(shown.contains(subsequence: total) && shown.contains(subsequence: amount)) {
            shown += try display.read(maxBytes: 4096, timeoutMs: 100)
        }
        #expect(shown.contains(subsequence: CodePage.cp866.encode("Молоко")), "\(shown)")
        #expect(shown.contains(subsequence: total), "\(shown)")
        #expect(shown.contains(subsequence: amount), "\(shown)")
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
