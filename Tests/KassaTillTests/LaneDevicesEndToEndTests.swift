import Foundation
import Testing

/// The whole lane with real wire protocols: emupos's serial scanner types codes into a
/// pseudo-terminal that `kassa till` reads, the sale is registered on a real `kassa serve`, and
/// the receipt is printed on emupos's ESC/POS printer over TCP, which renders it to text.
@Suite("kassa till with emupos's scanner, printer and drawer", .serialized)
struct LaneDevicesEndToEndTests {
    static let milk = "4607001234562", bread = "46012340"
    static let card = "7000123456789"
    static let rules = """
        programme: Клуб
        rules:
          - id: dairy-10
            kind: percent_off
            name: Молочная неделя
            categories: [dairy]
            percent: 10
            stackable: true
        """

    struct Shop {
        let root: String
        let server: LaneTestServer
        let emupos: Emupos
        let till: TillProcess
    }

    func open(_ name: String, printerOverSerial: Bool = false) async throws -> Shop {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let server = try LaneTestServer.started(data: root + "/server", products: [
            ["sku": Self.milk, "name": "Молоко 3,2 %", "category": "dairy", "price": 8990],
            ["sku": Self.bread, "name": "Хлеб Бородинский", "category": "bakery", "price": 5450],
        ])
        #expect(try server.call("PUT", "/v1/rules", role: "admin", text: Self.rules).status == 200)
        #expect(try server.call("POST", "/v1/customers", role: "staff", json: ["card": Self.card, "name": "Анна"]).status == 201)

        var devices = EmuposDevices()
        devices.scanner = true
        devices.printerOverTCP = !printerOverSerial
        devices.printerOverSerial = printerOverSerial
        let emupos = try await Emupos.start(devices)
        let printer = printerOverSerial ? "serial:\(emupos.printerSerialPath ?? "")" : "tcp:127.0.0.1:\(emupos.printerTCPPort ?? 0)"
        let devicesFile = root + "/devices.yaml"
        try """
            store:
              name: "Гипермаркет «Касса»"
              footer: ["Спасибо за покупку!"]
            printer:
              code_page: cp866
              code_page_number: 17
            """.write(toFile: devicesFile, atomically: true, encoding: .utf8)
        let till = try TillProcess(server: server.url, token: server.tokens["till"] ?? "", data: root + "/lane",
                                   extra: ["--devices", devicesFile, "--printer", printer, "--scanner", emupos.scannerPath ?? ""])
        try till.wait(for: "catalog")
        return Shop(root: root, server: server, emupos: emupos, till: till)
    }

    /// Scans `codes`, pays, and returns the sale's id once its receipt is printed.
    func sell(_ shop: Shop, _ codes: [String], pay: String) async throws -> String {
        try await scan(shop, codes)
        let before = shop.till.all.count
        shop.till.type(pay)
        let id = try shop.till.wait(for: "sale", after: before)["id"] as? String ?? ""
        try shop.till.wait(for: "printed", after: before) { $0["id"] as? String == id }
        return id
    }

    func close(_ shop: Shop) {
        shop.till.kill()
        shop.emupos.stop()
        shop.server.stop()
        try? FileManager.default.removeItem(atPath: shop.root)
    }

    /// Scans from the simulated scanner until the lane has added `count` items.
    func scan(_ shop: Shop, _ codes: [String]) async throws {
        for code in codes {
            let before = shop.till.all.count
            try await shop.emupos.scan(code)
            try shop.till.wait(for: "item", after: before)
        }
    }

    @Test func scannedGoodsArePricedRegisteredAndPrintedInCyrillicWithTheDrawerOpened() async throws {
        let shop = try await open("print")
        defer { close(shop) }
        try await scan(shop, [Self.milk, Self.milk, Self.bread])
        shop.till.type("card \(Self.card)")
        let before = shop.till.all.count
        shop.till.type("pay cash 500")
        let sale = try shop.till.wait(for: "sale", after: before)
        let id = sale["id"] as? String ?? ""
        try shop.till.wait(for: "printed", after: before) { $0["id"] as? String == id }
        try shop.till.wait(for: "drawer", after: before)

        let receipts = try await shop.emupos.waitForReceipts(count: 1)
        let text = receipts.first?.text ?? ""
        #expect(receipts.first?.boundary == .cut)
        // CP866 has no guillemets: the layout prints them as plain quotes.
        for expected in ["Гипермаркет \"Касса\"", "Молоко 3,2 %", "Хлеб Бородинский", "Молочная неделя", "Спасибо за покупку!", id] {
            #expect(text.contains(expected), "the receipt lacks '\(expected)':\n\(text)")
        }
        // 2 × 89.90 − 10 % of it (17.98) + 54.50 = 216.32; paid 500.00 in cash, 283.68 change.
        let server = try shop.server.call("GET", "/v1/sales/\(id)", role: "staff").body
        #expect(server["total"] as? Int == 21632)
        for amount in ["216.32", "-17.98", "-8.99", "283.68", "*********6789"] { #expect(text.contains(amount), "the receipt lacks \(amount):\n\(text)") }
        // The lane's "drawer" event means the kick was written; the printer may still be reading it.
        try await shop.emupos.waitForEvent("drawer.opened")
        #expect(shop.emupos.drawerOpenCount() == 1)
    }

    @Test func aReceiptInterruptedByPaperOutOrAnOpenCoverComesOutOnceWhenTheFaultClears() async throws {
        let shop = try await open("faults")
        defer { close(shop) }
        for fault in [EmuposFault.paperOut, .coverOpen] {
            try await scan(shop, [Self.bread])
            try await shop.emupos.setFault(fault, on: true)
            let before = shop.till.all.count
            shop.till.type("pay card")
            let sale = try shop.till.wait(for: "sale", after: before)
            let id = sale["id"] as? String ?? ""
            try shop.till.wait(for: "printer", after: before) { $0["id"] as? String == id && $0["fault"] as? String != "cleared" }
            #expect(try shop.emupos.receipts().allSatisfy { !$0.text.contains(id) })
            try await shop.emupos.setFault(fault, on: false)
            try shop.till.wait(for: "printed", after: before) { $0["id"] as? String == id }
        }
        let receipts = try await shop.emupos.waitForReceipts(count: 2)
        let ids = shop.till.all.filter { $0["event"] as? String == "sale" }.compactMap { $0["id"] as? String }
        #expect(ids.count == 2)
        for id in ids { #expect(receipts.filter { $0.text.contains(id) }.count == 1, "\(id) printed \(receipts.filter { $0.text.contains(id) }.count) times") }
        // Give emupos a moment: nothing more may come out.
        try await Task.sleep(for: .seconds(1))
        #expect(try shop.emupos.receipts().count == 2)
    }

    @Test func overASerialPrinterALaneSellsThroughAnOutageAndACrashAndEveryReceiptComesOutOnce() async throws {
        let shop = try await open("outage", printerOverSerial: true)
        defer { close(shop) }
        var ids = [try await sell(shop, [Self.milk], pay: "pay cash 100")]
        shop.server.stop()
        for _ in 0..<2 { ids.append(try await sell(shop, [Self.bread, Self.milk], pay: "pay card")) }
        // The lane dies with a basket half scanned; it was never paid and appears nowhere.
        try await scan(shop, [Self.bread])
        shop.till.kill()
        let till = try TillProcess(server: shop.server.url, token: shop.server.tokens["till"] ?? "", data: shop.root + "/lane",
                                   extra: ["--devices", shop.root + "/devices.yaml", "--printer", "serial:\(shop.emupos.printerSerialPath ?? "")",
                                           "--scanner", shop.emupos.scannerPath ?? ""])
        defer { till.kill() }
        try till.wait(for: "catalog") { $0["cached"] as? Bool == true }
        let restarted = Shop(root: shop.root, server: shop.server, emupos: shop.emupos, till: till)
        ids.append(try await sell(restarted, [Self.milk], pay: "pay cash 100"))
        try shop.server.start()
        for id in ids.suffix(3) { try till.wait(for: "sent", timeout: 60) { $0["id"] as? String == id } }

        var seqs: [Int] = []
        for id in ids { seqs.append(try shop.server.call("GET", "/v1/sales/\(id)", role: "staff").body["seq"] as? Int ?? -1) }
        #expect(!seqs.contains(-1) && seqs == seqs.sorted(), "\(ids) arrived as \(seqs)")
        #expect(try shop.server.call("GET", "/v1/stats", role: "staff").body["receipts"] as? Int == ids.count)
        let receipts = try await shop.emupos.waitForReceipts(count: ids.count, timeoutSeconds: 20)
        for id in ids { #expect(receipts.filter { $0.text.contains(id) }.count == 1, "\(id)") }
        #expect(receipts.count == ids.count)
        // The receipts sold while the server was away say so; the one sold online does not.
        for (index, id) in ids.enumerated() {
            let text = receipts.first { $0.text.contains(id) }?.text ?? ""
            #expect(text.contains("без связи с сервером") == (index > 0), "\(id):\n\(text)")
        }
    }
}
