import Foundation
import KassaTestSupport
import Testing

/// What a lane needs of the server: the catalog and the rules to cache, and sales it priced
/// itself while the server was away, recorded at the price the customer paid.
@Suite("kassa serve: what lanes cache, and sales priced offline", .serialized)
struct LaneSupportTests {
    static let card = "7000123456789"

    /// `payload` (12 digits) with its EAN-13 check digit.
    static func ean13(_ payload: String) -> String {
        let digits = payload.compactMap(\.wholeNumberValue)
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return payload + String((10 - sum % 10) % 10)
    }

    func startWithCatalog() async throws -> (ServerProcess, String) {
        let data = TemporaryDirectories.fresh("kassa-lane")
        let server = try ServerProcess(data: data)
        let products = (0..<25).map { n in
            ["sku": Self.ean13("4607001234\(String(format: "%02d", n))"), "name": "Товар \(n)",
             "category": n % 2 == 0 ? "dairy" : "bakery", "price": 1000 + n, "weighed": n == 3] as [String: Any]
        }
        #expect(try await server.call("PUT", "/v1/products", role: "admin", json: ["products": products]).status == 200)
        #expect(try await server.call("POST", "/v1/customers", role: "staff", json: ["card": Self.card, "name": "Анна"]).status == 201)
        return (server, data)
    }

    @Test func lanesPageThroughTheWholeCatalogAndReadTheRules() async throws {
        let (server, data) = try await startWithCatalog()
        defer { _ = server.stop(); try? FileManager.default.removeItem(atPath: data) }
        var seen: [String] = []
        var after = 0
        var pages = 0
        while true {
            let page = try await server.call("GET", "/v1/products?limit=2&after=\(after)", role: "till")
            #expect(page.status == 200)
            let products = page.body["products"] as? [[String: Any]] ?? []
            seen += products.compactMap { $0["sku"] as? String }
            pages += 1
            guard let next = page.body["next_after"] as? Int else { break }
            #expect(next == after + products.count)
            after = next
            if pages > 100 { break }
        }
        let total = try await server.call("GET", "/v1/products", role: "staff")
        #expect(total.body["count"] as? Int == 25 && seen.count == 25)
        #expect(Set(seen).count == seen.count)
        #expect((total.body["products"] as? [[String: Any]])?.first?["name"] as? String == "Товар 0")
        #expect(try await server.call("GET", "/v1/products?after=-1", role: "till").status == 422)
        #expect(try await server.call("GET", "/v1/products").status == 401)
        #expect(try await server.call("GET", "/v1/rules", role: "till").status == 200)
    }

    @Test func aSalePricedOfflineIsRecordedAtThePricePaidAndRetriesAreIdempotent() async throws {
        let (server, data) = try await startWithCatalog()
        defer { _ = server.stop(); try? FileManager.default.removeItem(atPath: data) }
        let products = try await server.call("GET", "/v1/products", role: "till").body["products"] as? [[String: Any]] ?? []
        let sku = products.first?["sku"] as? String ?? ""
        let price = products.first?["price"] as? Int ?? 0
        let lines: [[String: Any]] = [["sku": sku, "qty": 3, "price": price]]
        let offline: [String: Any] = ["rules_version": 0, "lines": [["discount": 150, "rules": ["promo-x"]]]]
        var body = saleBody("OFF-1", customer: Self.card, lines: lines, payments: [["method": "cash", "amount": 3 * price - 150]])
        body["offline_pricing"] = offline

        let sale = try await server.call("POST", "/v1/sales", role: "till", json: body)
        #expect(sale.status == 201, "\(sale.body)")
        #expect(sale.body["total"] as? Int == 3 * price - 150)
        let line = (sale.body["lines"] as? [[String: Any]])?.first
        #expect(line?["discount"] as? Int == 150 && line?["rules"] as? [String] == ["promo-x"])
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: body).status == 200)

        var otherDiscount = body
        otherDiscount["offline_pricing"] = ["rules_version": 0, "lines": [["discount": 100, "rules": ["promo-x"]]]]
        otherDiscount["payments"] = [["method": "cash", "amount": 3 * price - 100]]
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: otherDiscount).code == "id_conflict")

        var points = body
        points["id"] = "OFF-2"
        points["payments"] = [["method": "points", "amount": 3 * price - 150]]
        let refused = try await server.call("POST", "/v1/sales", role: "till", json: points)
        #expect(refused.status == 422 && refused.field == "payments")

        var tooMuch = body
        tooMuch["id"] = "OFF-3"
        tooMuch["offline_pricing"] = ["rules_version": 0, "lines": [["discount": 3 * price + 1]]]
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: tooMuch).field == "offline_pricing.lines[0].discount")

        var wrongCount = body
        wrongCount["id"] = "OFF-4"
        wrongCount["offline_pricing"] = ["rules_version": 0, "lines": [] as [Any]]
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: wrongCount).field == "offline_pricing.lines")

        var quote = body
        quote["offline_pricing"] = offline
        #expect(try await server.call("POST", "/v1/quotes", role: "till", json: quote).field == "offline_pricing")
        let stats = try await server.call("GET", "/v1/stats", role: "staff")
        #expect(stats.body["receipts"] as? Int == 1)
        #expect(stats.body["revenue"] as? Int == 3 * price - 150)
    }
}
