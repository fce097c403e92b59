import Foundation
import Testing

/// Points at the lane: earned on one sale, part of the next paid with them (the server keeps the
/// balance), and refused while the server is away.
@Suite("kassa till: paying with points", .serialized)
struct LanePointsTests {
    static let rules = """
        programme: Клуб
        rules:
          - id: points
            kind: points
            point_value: 100
            earn_every: 10000
            earn_points: 1
            redeem_cap_percent: 50
        """

    @Test func pointsEarnedOnOneSalePayPartOfTheNextAndAreRefusedOffline() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-lane-points-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try LaneTestServer.started(data: root + "/server", products: [
            ["sku": "4607001234562", "name": "Молоко", "category": "dairy", "price": 8990],
        ])
        defer { server.stop() }
        #expect(try server.call("PUT", "/v1/rules", role: "admin", text: Self.rules).status == 200)
        #expect(try server.call("POST", "/v1/customers", role: "staff", json: ["card": "7000123456789", "name": "Анна"]).status == 201)
        let till = try TillProcess(server: server.url, token: server.tokens["till"] ?? "", data: root + "/lane")
        defer { till.kill() }
        try till.wait(for: "catalog")

        // 20 × 89.90 = 1,798.00 earns 17 points.
        till.type("card 7000123456789")
        till.type("qty 20")
        till.type("4607001234562")
        till.type("pay card")
        let first = try till.wait(for: "sale")["id"] as? String ?? ""
        try till.wait(for: "sent") { $0["id"] as? String == first }
        #expect((try server.call("GET", "/v1/customers/7000123456789", role: "staff").body["points"] as? Int) == 17)

        // 89.90, of which 10 points pay 10.00.
        var before = till.all.count
        till.type("card 7000123456789")
        till.type("4607001234562")
        till.type("pay points 10")
        try till.wait(for: "payment", after: before) { $0["method"] as? String == "points" && $0["due"] as? Int == 7990 }
        till.type("pay card")
        let second = try till.wait(for: "sale", after: before)["id"] as? String ?? ""
        try till.wait(for: "sent", after: before) { $0["id"] as? String == second }
        let sale = try server.call("GET", "/v1/sales/\(second)", role: "staff").body
        let payments = sale["payments"] as? [[String: Any]] ?? []
        #expect(payments.contains { $0["method"] as? String == "points" && $0["amount"] as? Int == 1000 }, "\(payments)")
        #expect((sale["points"] as? [String: Any])?["spent"] as? Int == 10)

        // Without the server the balance is unknown: points are refused, the sale goes on by card.
        server.stop()
        before = till.all.count
        till.type("card 7000123456789")
        till.type("4607001234562")
        till.type("pay points 5")
        let refusal = try till.wait(for: "error", after: before)
        #expect((refusal["message"] as? String)?.contains("points can only be spent while the server answers") == true)
        till.type("pay card")
        try till.wait(for: "sale", after: before)
    }
}
