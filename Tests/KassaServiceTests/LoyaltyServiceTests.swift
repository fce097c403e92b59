import Foundation
import KassaTestSupport
import Testing

/// The loyalty rules through the real server: quotes, sales priced by the same engine, rule
/// changes journaled and versioned, the customer card's discounts, points spent once.
@Suite("kassa serve: loyalty rules, quotes and the customer card", .serialized)
struct LoyaltyServiceTests {
    static let rules = """
        programme: Test club
        stacking: {policy: additive, cap_percent: 30}
        exclusions: {categories: [tobacco]}
        rules:
          - id: tiers
            kind: tiers
            stackable: true
            window_days: 365
            levels:
              - {id: bronze, name: Bronze, from: 0, percent: 0}
              - {id: silver, name: Silver, from: 100000, percent: 3}
          - id: points
            kind: points
            point_value: 100
            earn_every: 10000
            earn_points: 1
            redeem_cap_percent: 50
          - id: dairy-10
            kind: percent_off
            name: Dairy week
            categories: [dairy]
            percent: 10
            stackable: true
        """

    static let card = "7000123456789"

    static func basket(_ id: String, milk: Int, tobacco: Int = 0, payments: [[String: Any]]? = nil) -> [String: Any] {
        var lines: [[String: Any]] = [["sku": "4607001234562", "qty": milk, "price": 8990]]
        if tobacco > 0 { lines.append(["sku": "46012340", "qty": tobacco, "price": 25000]) }
        return saleBody(id, customer: card, lines: lines, payments: payments)
    }

    /// One milk, 10.00 of it paid with 10 points.
    static func pointsSale(_ id: String) -> [String: Any] {
        basket(id, milk: 1, payments: [["method": "card", "amount": 6821], ["method": "points", "amount": 1000]])
    }

    func prepare(_ server: ServerProcess) async throws {
        let products = try await server.call("PUT", "/v1/products", role: "admin", json: ["products": [
            ["sku": "4607001234562", "name": "Молоко", "category": "dairy", "price": 8990],
            ["sku": "46012340", "name": "Табак", "category": "tobacco", "price": 25000],
        ]])
        #expect(products.status == 200)
        #expect(try await server.call("POST", "/v1/customers", role: "staff",
                                      json: ["card": Self.card, "name": "Анна", "birthdate": "1990-05-17"]).status == 201)
    }

    @Test func quoteAndSaleAgreeAndRuleChangesAreVersioned() async throws {
        let data = TemporaryDirectories.fresh("kassa-loyalty")
        defer { try? FileManager.default.removeItem(atPath: data) }
        var server = try ServerProcess(data: data)
        try await prepare(server)
        #expect(try await server.call("GET", "/v1/rules", role: "staff").body["version"] as? Int == 0)
        #expect(try await server.call("PUT", "/v1/rules", role: "till", body: Data(Self.rules.utf8)).status == 403)
        let put = try await server.call("PUT", "/v1/rules", role: "admin", body: Data(Self.rules.utf8))
        #expect(put.status == 200 && put.body["version"] as? Int == 1)
        #expect(try await server.call("PUT", "/v1/rules", role: "admin", body: Data(Self.rules.utf8)).body["version"] as? Int == 1)

        // Bronze: only the dairy promotion; tobacco is excluded and earns nothing.
        let quote = try await server.call("POST", "/v1/quotes", role: "till", json: Self.basket("Q1", milk: 2, tobacco: 1))
        #expect(quote.status == 200)
        #expect(quote.body["total"] as? Int == 17980 - 1798 + 25000)
        let quoted = quote.body["lines"] as? [[String: Any]] ?? []
        #expect(quoted.first?["discount"] as? Int == 1798 && quoted.first?["rules"] as? [String] == ["dairy-10"])
        #expect(quoted.last?["discount"] as? Int == 0)
        #expect((quote.body["points"] as? [String: Any])?["earn"] as? Int == 1)
        let misses = quote.body["near_misses"] as? [[String: Any]] ?? []
        #expect(misses.first?["text"] as? String == "588.18 more to Silver (3 % off) within 365 days")

        let sale = try await server.call("POST", "/v1/sales", role: "till",
                                         json: Self.basket("S1", milk: 2, tobacco: 1, payments: [["method": "card", "amount": 41182]]))
        #expect(sale.status == 201)
        #expect(sale.body["rules_version"] as? Int == 1)
        let sold = sale.body["lines"] as? [[String: Any]] ?? []
        #expect(sold.map { $0["discount"] as? Int } == quoted.map { $0["discount"] as? Int })
        #expect(sold.map { $0["rules"] as? [String] } == quoted.map { $0["rules"] as? [String] })

        // 1,618.20 more crosses 1,000.00: silver from the next sale on.
        let big = try await server.call("POST", "/v1/sales", role: "till", json: Self.basket("S2", milk: 20, payments: [["method": "card", "amount": 161820]]))
        #expect(big.status == 201 && (big.body["customer"] as? [String: Any])?["tier"] as? String == "silver")
        let silver = try await server.call("POST", "/v1/quotes", role: "till", json: Self.basket("Q2", milk: 1))
        #expect((silver.body["lines"] as? [[String: Any]])?.first?["discount"] as? Int == 270 + 899)  // 3 % + 10 % of 89.90
        #expect(Set((silver.body["lines"] as? [[String: Any]])?.first?["rules"] as? [String] ?? []) == ["tier-silver", "dairy-10"])

        // The card: tier, points, and why each discount applies.
        let cardReply = try await server.call("GET", "/v1/customers/\(Self.card)", role: "staff")
        #expect(cardReply.body["tier"] as? String == "silver")
        #expect(cardReply.body["points"] as? Int == 17)
        let discounts = cardReply.body["discounts"] as? [[String: Any]] ?? []
        #expect(Set(discounts.compactMap { $0["rule"] as? String }) == ["tier-silver", "points", "dairy-10"])
        #expect(discounts.allSatisfy { !($0["reason"] as? String ?? "").isEmpty && $0["kind"] != nil && $0["value"] != nil })
        let summary = try await server.call("GET", "/v1/customers/\(Self.card)", role: "till")
        #expect(summary.body["tier"] as? String == "silver" && (summary.body["discounts"] as? [Any])?.count == 3)

        // Two lanes spend the same points at once: 17 points cover one payment of 10, not two.
        let lanes = server
        async let first = lanes.call("POST", "/v1/sales", role: "till", json: Self.pointsSale("P1"))
        async let second = lanes.call("POST", "/v1/sales", role: "till", json: Self.pointsSale("P2"))
        let outcomes = try await [first, second]
        #expect(outcomes.map(\.status).sorted() == [201, 422])
        #expect(outcomes.contains { $0.code == "insufficient_points" })
        #expect(try await server.call("GET", "/v1/customers/\(Self.card)", role: "staff").body["points"] as? Int == 7)

        // A bad document is refused with the rule and field named; the rules in force stay.
        let bad = try await server.call("PUT", "/v1/rules", role: "admin",
                                        body: Data(Self.rules.replacingOccurrences(of: "percent: 10\n", with: "percent: 150\n").utf8))
        #expect(bad.status == 422 && bad.field == "rules[2].percent")
        let badMessage = (bad.body["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(badMessage.contains("dairy-10"))
        let typo = try await server.call("PUT", "/v1/rules", role: "admin",
                                         body: Data(Self.rules.replacingOccurrences(of: "percent: 10\n", with: "precent: 10\n").utf8))
        #expect(typo.status == 422)
        #expect(try await server.call("GET", "/v1/rules", role: "staff").body["version"] as? Int == 1)

        // Version 2: dairy at 20 %. Old receipts keep the version that priced them.
        let v2 = try await server.call("PUT", "/v1/rules", role: "admin",
                                       body: Data(Self.rules.replacingOccurrences(of: "percent: 10\n", with: "percent: 20\n").utf8))
        #expect(v2.body["version"] as? Int == 2)
        let after = try await server.call("POST", "/v1/sales", role: "till", json: Self.basket("S3", milk: 1))
        #expect(after.body["rules_version"] as? Int == 2 && (after.body["lines"] as? [[String: Any]])?.first?["discount"] as? Int == 270 + 1798)

        // After a restart the journal brings back version 2, and the audit log has both changes.
        #expect(server.stop() == 0)
        server = try ServerProcess(data: data)
        defer { _ = server.stop() }
        let reloaded = try await server.call("GET", "/v1/rules", role: "staff")
        #expect(reloaded.body["version"] as? Int == 2 && reloaded.body["by"] as? String == v2.body["by"] as? String)
        #expect(reloaded.body["by"] as? String != "config")
        #expect(try await server.call("GET", "/v1/sales/S1", role: "staff").body["rules_version"] as? Int == 1)
        let requote = try await server.call("POST", "/v1/quotes", role: "till", json: Self.basket("Q3", milk: 1))
        #expect((requote.body["lines"] as? [[String: Any]])?.first?["discount"] as? Int == 270 + 1798)
    }

    @Test func defaultProgrammeIsPutInForceAtFirstStart() async throws {
        let file = ServerProcess.repository.appendingPathComponent("config/loyalty.yaml").path
        let server = try ServerProcess(environment: ["KASSA_LOYALTY_RULES_FILE": file])
        defer { _ = server.stop() }
        let rules = try await server.call("GET", "/v1/rules", role: "staff")
        #expect(rules.status == 200 && rules.body["version"] as? Int == 1 && rules.body["by"] as? String == "config")
        #expect((rules.body["rules"] as? [Any])?.isEmpty == false)
        #expect(rules.body["document"] as? String == (try String(contentsOfFile: file, encoding: .utf8)))
    }

    @Test func anInvalidRulesFileStopsTheFirstStart() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-rules-\(UUID().uuidString).yaml").path
        try "rules:\n  - id: x\n    kind: percent_off\n    percent: 10\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: ServerError.self) { try ServerProcess(environment: ["KASSA_LOYALTY_RULES_FILE": file]) }
    }
}
