import Foundation
import Testing

/// The lane keeps selling when the server is away: sales made offline wait in its outbox, survive
/// the lane being killed, and reach the server exactly once and in order when it is back; each
/// receipt comes out exactly once. Real `kassa serve` and `kassa till` processes on loopback.
@Suite("kassa till: selling through a server outage and a lane crash", .serialized)
struct LaneOfflineTests {
    static let milk = "4607001234562", chocolate = "46012340", beef = "2100001000011"

    func startServer(data: String) throws -> LaneTestServer {
        try LaneTestServer.started(data: data, products: [
            ["sku": Self.milk, "name": "Молоко 3,2 %", "category": "dairy", "price": 8990],
            ["sku": Self.chocolate, "name": "Шоколад", "category": "sweets", "price": 12950],
            ["sku": Self.beef, "name": "Говядина", "category": "meat", "price": 54900, "weighed": true],
        ])
    }

    /// Scans `lines`, pays, and returns the sale's id once its receipt is printed.
    func sell(_ till: TillProcess, _ lines: [String], pay: String) throws -> String {
        let before = till.all.count
        for line in lines { till.type(line) }
        till.type(pay)
        let sale = try till.wait(for: "sale", after: before)
        let id = sale["id"] as? String ?? ""
        try till.wait(for: "printed", after: before) { $0["id"] as? String == id }
        return id
    }

    @Test func salesMadeWhileTheServerIsDownArriveOnceAndInOrderAfterALaneCrash() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-offline-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try startServer(data: root + "/server")
        defer { server.stop() }
        let token = server.tokens["till"] ?? ""
        var receipts: [[String: Any]] = []
        var ids: [String] = []

        // Online: each sale is registered at once.
        var till = try TillProcess(server: server.url, token: token, data: root + "/lane")
        try till.wait(for: "catalog")
        for n in 0..<2 {
            let id = try sell(till, [Self.milk, "qty 0.755", Self.beef], pay: "pay cash 1000")
            try till.wait(for: "sent") { $0["id"] as? String == id }
            ids.append(id)
            _ = n
        }

        // The server goes away mid-shift: the lane prices from its cache and queues.
        server.stop()
        for _ in 0..<3 {
            ids.append(try sell(till, [Self.chocolate, "qty 2", Self.milk], pay: "pay card"))
        }
        #expect(till.all.contains { $0["event"] as? String == "offline" })
        // A basket under way when the power goes: it was never paid and must not appear anywhere.
        let beforeItem = till.all.count
        till.type(Self.milk)
        try till.wait(for: "item", after: beforeItem)
        receipts += till.all.filter { $0["event"] as? String == "receipt" || $0["event"] as? String == "printed" }
        till.kill()

        // The lane comes back first, still without the server, and sells one more.
        till = try TillProcess(server: server.url, token: token, data: root + "/lane")
        try till.wait(for: "catalog") { $0["cached"] as? Bool == true }
        ids.append(try sell(till, [Self.milk], pay: "pay cash 100"))

        // The server is back: the queue drains in order, without the cashier doing anything.
        try server.start()
        for id in ids.suffix(4) { try till.wait(for: "sent", timeout: 60) { $0["id"] as? String == id } }
        #expect(till.finish() == 0)
        receipts += till.all.filter { $0["event"] as? String == "receipt" || $0["event"] as? String == "printed" }

        // Exactly once at the server, in the order they were sold.
        var seqs: [Int] = []
        for id in ids {
            let sale = try server.call("GET", "/v1/sales/\(id)", role: "staff")
            #expect(sale.status == 200, "\(id) is missing at the server")
            seqs.append(sale.body["seq"] as? Int ?? -1)
        }
        #expect(seqs == seqs.sorted() && Set(seqs).count == ids.count, "\(ids) arrived as \(seqs)")
        let stats = try server.call("GET", "/v1/stats", role: "staff").body
        #expect(stats["receipts"] as? Int == ids.count)
        // Each receipt came out exactly once across both runs of the lane.
        for id in ids {
            #expect(receipts.filter { $0["event"] as? String == "receipt" && $0["id"] as? String == id }.count == 1, "\(id)")
        }
        // Offline receipts were recorded at the price the lane charged.
        let offline = try server.call("GET", "/v1/sales/\(ids[2])", role: "staff").body
        #expect(offline["total"] as? Int == 12950 + 2 * 8990)
    }

    @Test func aReceiptThePrinterCouldNotTakeIsPrintedBeforeTheNextOneOnce() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-printer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try startServer(data: root + "/server")
        defer { server.stop() }
        // A file printer in a directory that is not there yet: the first receipt cannot be printed.
        let paper = root + "/printer/receipts.bin"
        let till = try TillProcess(server: server.url, token: server.tokens["till"] ?? "", data: root + "/lane",
                                   extra: ["--printer", "file:" + paper])
        defer { till.kill() }
        try till.wait(for: "catalog")
        till.type(Self.milk)
        till.type("pay card")
        let first = try till.wait(for: "sale")["id"] as? String ?? ""
        try till.wait(for: "error") { ($0["message"] as? String)?.contains("cannot be reached") == true }
        #expect(!till.all.contains { $0["event"] as? String == "printed" })

        try FileManager.default.createDirectory(atPath: root + "/printer", withIntermediateDirectories: true)
        let before = till.all.count
        till.type(Self.chocolate)
        till.type("pay card")
        let second = try till.wait(for: "sale", after: before)["id"] as? String ?? ""
        try till.wait(for: "printed", after: before) { $0["id"] as? String == second }
        let printed = till.all.filter { $0["event"] as? String == "printed" }.compactMap { $0["id"] as? String }
        #expect(printed == [first, second])
        let bytes = try #require(FileManager.default.contents(atPath: paper))
        let text = String(decoding: bytes, as: UTF8.self)
        // Each receipt carries its id twice: in the "receipt no." line and in the QR code.
        #expect(text.components(separatedBy: first).count - 1 == 2, "\(text)")
        #expect(text.components(separatedBy: second).count - 1 == 2, "\(text)")
        #expect(text.range(of: first)?.lowerBound ?? text.endIndex < text.range(of: second)?.lowerBound ?? text.startIndex)
    }

    @Test func theShiftClosesOnlyOnceEverySaleOfItHasReachedTheServer() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-shift-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try startServer(data: root + "/server")
        defer { server.stop() }
        let till = try TillProcess(server: server.url, token: server.tokens["till"] ?? "", data: root + "/lane")
        defer { till.kill() }
        try till.wait(for: "catalog")
        _ = try sell(till, [Self.milk], pay: "pay card")
        server.stop()
        _ = try sell(till, [Self.chocolate], pay: "pay card")
        var before = till.all.count
        till.type("close-shift")
        let refused = try till.wait(for: "error", after: before)
        #expect(refused["unsent"] as? Int == 1)
        #expect(!till.all.contains { $0["event"] as? String == "shift" })

        try server.start()
        before = till.all.count
        till.type("close-shift")
        let report = try till.wait(for: "shift", after: before, timeout: 60)
        #expect((report["report"] as? [String: Any])?["receipts"] as? Int == 2, "\(report)")
    }

    @Test func aPriceChangedOnTheServerReachesARunningLane() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-refresh-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try startServer(data: root + "/server")
        defer { server.stop() }
        let till = try TillProcess(server: server.url, token: server.tokens["till"] ?? "", data: root + "/lane",
                                   extra: ["--catalog-refresh-seconds", "1"])
        defer { till.kill() }
        try till.wait(for: "catalog")
        #expect(try server.call("PUT", "/v1/products", role: "admin", json: ["products": [
            ["sku": Self.milk, "name": "Молоко 3,2 %", "category": "dairy", "price": 9490],
        ]]).status == 200)
        // The next fetch that starts after the change (one under way may predate it).
        let changed = till.all.count
        try till.wait(for: "catalog", after: changed, timeout: 10)
        try till.wait(for: "catalog", after: till.all.count, timeout: 10)
        let before = till.all.count
        till.type(Self.milk)
        let item = try till.wait(for: "item", after: before)
        #expect(item["price"] as? Int == 9490)
    }
}
