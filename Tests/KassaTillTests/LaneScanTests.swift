import Foundation
import Testing
@testable import KassaTill

/// What a scan adds to the basket: the code as the catalog has it, a UPC-A as its EAN-13, a
/// marking code by the GTIN it carries, a scale's label by its item with the printed weight.
@Suite struct LaneScanTests {
    final class Events: @unchecked Sendable {
        var list: [LaneEvent] = []
        func add(_ event: LaneEvent) { list.append(event) }
    }

    static func ean13(_ payload: String) -> String {
        let digits = payload.compactMap(\.wholeNumberValue)
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return payload + String((10 - sum % 10) % 10)
    }

    /// A lane whose server is unreachable (a closed port), selling from a cache written here.
    func lane(_ events: Events) throws -> (Lane, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-scan-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let items = [
            LaneCatalog.Item(sku: "4607001234562", name: "Молоко", category: "dairy", price: 8990, weighed: false, neverDiscounted: false),
            LaneCatalog.Item(sku: "0012345678905", name: "Kellogg's", category: "grocery", price: 31000, weighed: false, neverDiscounted: false),
            LaneCatalog.Item(sku: "4600439931256", name: "Кроссовки", category: "shoes", price: 599000, weighed: false, neverDiscounted: false),
            LaneCatalog.Item(sku: Self.ean13("220012300000"), name: "Сыр", category: "cheese", price: 89000, weighed: true, neverDiscounted: false),
        ]
        try LaneCatalog(items: items).save(directory: directory)
        let client = LaneServerClient(baseURL: URL(string: "http://127.0.0.1:9")!, token: "none", timeoutSeconds: 0.5)
        let lane = try Lane(settings: Lane.Settings(store: "S1", terminal: "T01", cashier: "C1", dataDirectory: directory),
                            client: client, printer: nil, emit: events.add)
        return (lane, directory)
    }

    func items(_ events: Events) -> [[String: Any]] { events.list.filter { $0.name == "item" }.map(\.fields) }

    @Test func codesFindTheirCatalogItems() throws {
        let events = Events()
        let (lane, directory) = try lane(events)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = lane.handle("4607001234562")
        _ = lane.handle("012345678905")  // UPC-A, kept in the catalog as its EAN-13
        _ = lane.handle("]d2" + "0104600439931256" + "215Wq0Kl" + "\u{1D}" + "91EE06" + "\u{1D}" + "92abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz01")
        _ = lane.handle(Self.ean13("220012301234"))  // the scale's label: item 00123, 1.234 kg
        let added = items(events)
        #expect(added.map { $0["name"] as? String } == ["Молоко", "Kellogg's", "Кроссовки", "Сыр"], "\(events.list.map(\.text))")
        #expect(added.last?["qty"] as? String == "1.234")
        #expect(added.last?["amount"] as? Int64 == 109_826)  // 1.234 × 890.00, half-up
    }

    @Test func aWrongCheckDigitOrAnUnknownCodeIsSaidAndChangesNothing() throws {
        let events = Events()
        let (lane, directory) = try lane(events)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = lane.handle("4607001234563")
        _ = lane.handle(Self.ean13("460000000001"))
        #expect(items(events).isEmpty)
        let errors = events.list.filter { $0.name == "error" }.map(\.text)
        #expect(errors.count == 2)
        #expect(errors.first?.contains("does not read") == true, "\(errors)")
        #expect(errors.last?.contains("not in the catalog") == true, "\(errors)")
        #expect(lane.isSettled)
    }
}
