import Foundation
import Testing

/// Malformed and hostile requests: each gets its status and error code, nothing changes, and the
/// server keeps serving.
@Suite("kassa serve: hostile input", .serialized)
struct HostileInputTests {
    struct Case {
        var name: String
        var method = "POST"
        var path = "/v1/sales"
        var role: String? = "till"
        var token: String?
        var body: Data?
        var status: Int
        var code: String
        var field: String?
    }

    static func json(_ object: Any) -> Data { try! JSONSerialization.data(withJSONObject: object) }
    static func text(_ string: String) -> Data { Data(string.utf8) }
    static func sale(_ change: (inout [String: Any]) -> Void) -> Data {
        var body = saleBody("H-\(UUID().uuidString.prefix(8))")
        change(&body)
        return json(body)
    }
    static func line(_ change: (inout [String: Any]) -> Void) -> Data {
        sale { body in
            var line: [String: Any] = ["sku": "4607001234562", "qty": 1, "price": 8990]
            change(&line)
            body["lines"] = [line]
        }
    }

    static var cases: [Case] {
        var all: [Case] = [
            Case(name: "empty body", body: Data(), status: 400, code: "malformed_json"),
            Case(name: "broken JSON", body: text(#"{"id": "S1", "lines": ["#), status: 400, code: "malformed_json"),
            Case(name: "trailing garbage", body: text(#"{"id": "S1"} xyz"#), status: 400, code: "malformed_json"),
            Case(name: "a JSON array", body: text("[1, 2, 3]"), status: 400, code: "malformed_json"),
            Case(name: "a JSON string", body: text(#""sale""#), status: 400, code: "malformed_json"),
            Case(name: "invalid UTF-8", body: Data([0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]), status: 400, code: "malformed_json"),
            Case(name: "number beyond JSON doubles", body: text(#"{"id": 1e400}"#), status: 400, code: "malformed_json"),
            Case(name: "id missing", body: sale { $0["id"] = nil }, status: 422, code: "invalid_field", field: "id"),
            Case(name: "id a number", body: sale { $0["id"] = 12345 }, status: 422, code: "invalid_field", field: "id"),
            Case(name: "id with spaces", body: sale { $0["id"] = "S 1" }, status: 422, code: "invalid_field", field: "id"),
            Case(name: "id too long", body: sale { $0["id"] = String(repeating: "x", count: 65) }, status: 422, code: "invalid_field", field: "id"),
            Case(name: "id with SQL", body: sale { $0["id"] = "1'; DROP TABLE sales;--" }, status: 422, code: "invalid_field", field: "id"),
            Case(name: "unknown field", body: sale { $0["discount_override"] = 100 }, status: 422, code: "invalid_field", field: "discount_override"),
            Case(name: "at not a time", body: sale { $0["at"] = "yesterday" }, status: 422, code: "invalid_field", field: "at"),
            Case(name: "at without offset", body: sale { $0["at"] = "2026-11-22T10:15:00" }, status: 422, code: "invalid_field", field: "at"),
            Case(name: "lines not an array", body: sale { $0["lines"] = "milk" }, status: 422, code: "invalid_field", field: "lines"),
            Case(name: "no lines", body: sale { $0["lines"] = [] as [Any] }, status: 422, code: "invalid_field", field: "lines"),
            Case(name: "501 lines", body: sale { $0["lines"] = Array(repeating: ["sku": "4607001234562", "qty": 1, "price": 1] as [String: Any], count: 501) },
                 status: 422, code: "too_many_lines", field: "lines"),
            Case(name: "line not an object", body: sale { $0["lines"] = [42] }, status: 422, code: "invalid_field", field: "lines[0]"),
            Case(name: "qty zero", body: line { $0["qty"] = 0 }, status: 422, code: "invalid_field", field: "lines[0].qty"),
            Case(name: "qty negative", body: line { $0["qty"] = -1 }, status: 422, code: "invalid_field", field: "lines[0].qty"),
            Case(name: "qty with 4 decimals", body: line { $0["qty"] = 0.7555 }, status: 422, code: "invalid_field", field: "lines[0].qty"),
            Case(name: "qty a string", body: line { $0["qty"] = "2" }, status: 422, code: "invalid_field", field: "lines[0].qty"),
            Case(name: "qty a boolean", body: line { $0["qty"] = true }, status: 422, code: "invalid_field", field: "lines[0].qty"),
            Case(name: "qty huge", body: line { $0["qty"] = 1e300 }, status: 422, code: "invalid_field", field: "lines[0].qty"),
            Case(name: "price beyond Int64", body: text(#"{"id":"H-1","store":"S1","terminal":"T07","cashier":"C12","at":"2026-11-22T10:15:00+03:00","lines":[{"sku":"4607001234562","qty":1,"price":9223372036854775808}]}"#),
                 status: 422, code: "invalid_field", field: "lines[0].price"),
            Case(name: "price fractional", body: line { $0["price"] = 89.9 }, status: 422, code: "invalid_field", field: "lines[0].price"),
            Case(name: "price negative", body: line { $0["price"] = -100 }, status: 422, code: "invalid_field"),
            Case(name: "price above the limit", body: line { $0["price"] = 10_000_000_001 }, status: 422, code: "invalid_field"),
            Case(name: "sku with a wrong check digit", body: line { $0["sku"] = "4607001234567" }, status: 422, code: "invalid_field", field: "lines[0].sku"),
            Case(name: "sku with control characters", body: line { $0["sku"] = "ABC\u{7}" }, status: 422, code: "invalid_field", field: "lines[0].sku"),
            Case(name: "sku with script", body: line { $0["sku"] = "<script>alert(1)</script>" }, status: 422, code: "invalid_field", field: "lines[0].sku"),
            Case(name: "customer not digits", body: sale { $0["customer"] = "ABC" }, status: 422, code: "invalid_field", field: "customer"),
            Case(name: "customer unknown", body: sale { $0["customer"] = "7000999999999" }, status: 404, code: "unknown_customer"),
            Case(name: "payments not matching", body: sale { $0["payments"] = [["method": "card", "amount": 1]] }, status: 422, code: "payment_mismatch"),
            Case(name: "payment method with a space and markup", body: sale { $0["payments"] = [["method": "<b>gift card</b>", "amount": 1]] }, status: 422, code: "invalid_field", field: "payments[0].method"),
            Case(name: "no token", role: nil, body: sale { _ in }, status: 401, code: "unauthorized"),
            Case(name: "forged token", role: nil, token: "forged-token", body: sale { _ in }, status: 401, code: "unauthorized"),
            Case(name: "staff posting a sale", role: "staff", body: sale { _ in }, status: 403, code: "forbidden"),
            Case(name: "2 MiB body", body: Data(repeating: 0x20, count: 2 << 20), status: 413, code: "body_too_large"),
            Case(name: "return of an unknown sale", path: "/v1/returns",
                 body: json(["id": "HR-1", "sale": "NOPE", "store": "S1", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:00:00+03:00",
                             "lines": [["sku": "4607001234562", "qty": 1]]]), status: 422, code: "unknown_sale"),
            Case(name: "void with a missing sale field", path: "/v1/voids",
                 body: json(["id": "HV-1", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:00:00+03:00"]), status: 422, code: "invalid_field", field: "sale"),
            Case(name: "customer with script in the name", path: "/v1/customers", role: "staff",
                 body: json(["card": "12", "name": "<script>alert(1)</script>"]), status: 422, code: "invalid_field", field: "card"),
            Case(name: "customer with a bad birthdate", path: "/v1/customers", role: "staff",
                 body: json(["card": "7000000000001", "name": "A", "birthdate": "1990-02-30"]), status: 422, code: "invalid_field", field: "birthdate"),
            Case(name: "customer with neither phone nor name", path: "/v1/customers", role: "staff",
                 body: json(["card": "7000000000001"]), status: 422, code: "invalid_field"),
            Case(name: "token with an unknown role", path: "/v1/tokens", role: "admin",
                 body: json(["role": "root", "name": "x"]), status: 422, code: "invalid_field", field: "role"),
            Case(name: "products with a string price", method: "PUT", path: "/v1/products", role: "admin",
                 body: json(["products": [["sku": "46012340", "name": "x", "price": "1"]]]), status: 422, code: "invalid_field", field: "products[0].price"),
        ]
        // Rules documents (PUT /v1/rules takes YAML or JSON text) and quotes.
        let nested = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + (1...9).map { "\(Character(UnicodeScalar(UInt8(97 + $0)))): &\(Character(UnicodeScalar(UInt8(97 + $0)))) [" + Array(repeating: "*\(Character(UnicodeScalar(UInt8(96 + $0))))", count: 10).joined(separator: ", ") + "]" }.joined(separator: "\n") + "\nrules: []\n"
        all += [
            Case(name: "rules: empty document", method: "PUT", path: "/v1/rules", role: "admin", body: Data(), status: 400, code: "malformed_json"),
            Case(name: "rules: invalid UTF-8", method: "PUT", path: "/v1/rules", role: "admin", body: Data([0x72, 0x3A, 0xC3, 0x28]), status: 400, code: "malformed_json"),
            Case(name: "rules: YAML syntax error", method: "PUT", path: "/v1/rules", role: "admin", body: text("rules: [\n  - id: x\n  kind"), status: 422, code: "invalid_field"),
            Case(name: "rules: nested ten thousand deep", method: "PUT", path: "/v1/rules", role: "admin", body: text(nested), status: 422, code: "invalid_field"),
            Case(name: "rules: a billion laughs", method: "PUT", path: "/v1/rules", role: "admin", body: text(laughs), status: 422, code: "invalid_field"),
            Case(name: "rules: a misspelt key", method: "PUT", path: "/v1/rules", role: "admin",
                 body: text("rules:\n  - id: dairy\n    kind: percent_off\n    categories: [dairy]\n    precent: 10\n"), status: 422, code: "invalid_field", field: "rules[0].precent"),
            Case(name: "rules: 2 MiB", method: "PUT", path: "/v1/rules", role: "admin", body: Data(repeating: 0x20, count: 2 << 20), status: 413, code: "body_too_large"),
            Case(name: "rules: put by staff", method: "PUT", path: "/v1/rules", role: "staff", body: text("rules: []\n"), status: 403, code: "forbidden"),
            Case(name: "quote: broken JSON", path: "/v1/quotes", body: text(#"{"lines": ["#), status: 400, code: "malformed_json"),
            Case(name: "quote: unknown customer", path: "/v1/quotes", body: sale { $0["customer"] = "7000999999999" }, status: 404, code: "unknown_customer"),
            Case(name: "quote: qty zero", path: "/v1/quotes", body: line { $0["qty"] = 0 }, status: 422, code: "invalid_field", field: "lines[0].qty"),
            Case(name: "quote: 501 lines", path: "/v1/quotes",
                 body: sale { $0["lines"] = Array(repeating: ["sku": "4607001234562", "qty": 1, "price": 1] as [String: Any], count: 501) },
                 status: 422, code: "too_many_lines", field: "lines"),
        ]
        all.append(Case(name: "too long name with script and SQL", path: "/v1/customers", role: "staff",
                        body: json(["card": "7000000000002", "name": String(repeating: "'; DROP TABLE customers; <script>", count: 10)]),
                        status: 422, code: "invalid_field", field: "name"))
        return all
    }

    @Test func everyHostileRequestGetsItsStatusAndChangesNothing() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        // Something to change, so "nothing changed" means something.
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: saleBody("BASE-1")).status == 201)
        let before = try await server.call("GET", "/v1/stats", role: "staff").body
        let cases = HostileInputTests.cases
        #expect(cases.count >= 40)
        for hostile in cases {
            let reply = try await server.call(hostile.method, hostile.path, role: hostile.role, token: hostile.token, body: hostile.body)
            #expect(reply.status == hostile.status, "\(hostile.name): \(String(decoding: reply.raw.prefix(300), as: UTF8.self))")
            #expect(reply.code == hostile.code, "\(hostile.name)")
            if let field = hostile.field { #expect(reply.field == field, "\(hostile.name)") }
            #expect((reply.body["error"] as? [String: Any])?["message"] as? String != nil, "\(hostile.name): the error says what is wrong")
        }
        let after = try await server.call("GET", "/v1/stats", role: "staff").body
        #expect(NSDictionary(dictionary: before) == NSDictionary(dictionary: after), "hostile requests changed the state")
        // Still serving.
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: saleBody("BASE-2")).status == 201)
        #expect(try await server.call("GET", "/healthz").status == 200)
    }
}
