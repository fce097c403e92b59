import Foundation
import Testing
@testable import KassaService

/// Every answer of the real server has its keys sorted by bytes, and a retried request gets the
/// very bytes of the first answer (tills may compare them).
@Suite("kassa serve: answers byte for byte", .serialized)
struct AnswerBytesTests {
    @Test func answersHaveSortedKeysAndRetriesRepeatTheBytes() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        var answers: [(String, ServerProcess.Reply)] = []
        func call(_ method: String, _ path: String, role: String?, json: Any? = nil, body: Data? = nil) async throws -> ServerProcess.Reply {
            let reply = try await server.call(method, path, role: role, json: json, body: body)
            answers.append(("\(method) \(path)", reply))
            return reply
        }
        let card = LoyaltyServiceTests.card
        #expect(try await call("PUT", "/v1/products", role: "admin", json: ["products": [
            ["sku": "4607001234562", "name": "Молоко", "category": "dairy", "price": 8990],
            ["sku": "46012340", "name": "Табак", "category": "tobacco", "price": 25000, "never_discounted": true],
        ]]).status == 200)
        #expect(try await call("POST", "/v1/customers", role: "staff",
                               json: ["card": card, "name": "Анна \"А\"", "phone": "+79001234567", "birthdate": "1990-05-17"]).status == 201)
        #expect(try await call("PUT", "/v1/rules", role: "admin", body: Data(LoyaltyServiceTests.rules.utf8)).status == 200)

        let quote = try await call("POST", "/v1/quotes", role: "till", json: LoyaltyServiceTests.basket("Q1", milk: 2, tobacco: 1))
        #expect(quote.status == 200 && quote.body["points"] != nil && quote.body["customer"] != nil)
        let body = saleBody("AB-1", customer: card, lines: [["sku": "4607001234562", "qty": 2, "price": 8990],
                                                            ["sku": "2100001000011", "qty": 0.755, "price": 54900, "category": "meat"]])
        let first = try await call("POST", "/v1/sales", role: "till", json: body)
        let again = try await call("POST", "/v1/sales", role: "till", json: body)
        #expect(first.status == 201 && again.status == 200)
        #expect(first.raw == again.raw)
        #expect(String(decoding: first.raw, as: UTF8.self).contains(#""qty":0.755,"#))
        let read = try await call("GET", "/v1/sales/AB-1", role: "till")
        #expect(read.raw == first.raw)

        let returned = ["id": "AB-R1", "sale": "AB-1", "store": "S1", "terminal": "T07", "cashier": "C12",
                        "at": "2026-11-22T11:00:00+03:00", "lines": [["sku": "2100001000011", "qty": 0.5]]] as [String: Any]
        let back = try await call("POST", "/v1/returns", role: "till", json: returned)
        #expect(back.status == 201)
        #expect(try await call("POST", "/v1/returns", role: "till", json: returned).raw == back.raw)
        #expect(try await call("POST", "/v1/sales", role: "till", json: saleBody("AB-2")).status == 201)
        let voided = ["id": "AB-V1", "sale": "AB-2", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:06:00+03:00", "reason": "wrong \"item\""]
        let void = try await call("POST", "/v1/voids", role: "till", json: voided)
        #expect(void.status == 201)
        #expect(try await call("POST", "/v1/voids", role: "till", json: voided).raw == void.raw)

        _ = try await call("GET", "/v1/customers/\(card)", role: "till")
        _ = try await call("GET", "/v1/customers/\(card)", role: "staff")
        _ = try await call("GET", "/v1/customers/\(card)/history", role: "staff")
        _ = try await call("GET", "/v1/customers?q=\(card)", role: "staff")
        _ = try await call("GET", "/v1/shifts/T07", role: "till")
        _ = try await call("GET", "/v1/stats", role: "staff")
        _ = try await call("GET", "/v1/rules", role: "staff")
        _ = try await call("GET", "/v1/audit", role: "admin")
        _ = try await call("GET", "/readyz", role: nil)
        _ = try await call("POST", "/v1/sales/batch", role: "till", json: ["sales": [saleBody("AB-3"), saleBody("bad id")]])
        _ = try await call("POST", "/v1/sales", role: "till", json: saleBody("AB-4", payments: [["method": "cash", "amount": 1]]))
        _ = try await call("POST", "/v1/sales", role: "till", body: Data(#"{"id": "x", "id": "y"}"#.utf8))
        _ = try await call("POST", "/v1/shifts/T07/close", role: "till")

        for (name, reply) in answers {
            #expect(keysAreSorted(Array(reply.raw)), "\(name): \(String(decoding: reply.raw.prefix(400), as: UTF8.self))")
            #expect(throws: Never.self, "\(name)") { try JSONParser.parse(Array(reply.raw)) }
            #expect(!reply.body.isEmpty, "\(name): Foundation reads the answer")
        }
    }

    /// Whether every object's keys in `bytes` come in byte order (for answers, whose keys need
    /// no escapes).
    func keysAreSorted(_ bytes: [UInt8]) -> Bool {
        var lastKeys: [[UInt8]?] = []  // per open container: nil for an array
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): lastKeys.append([])
            case UInt8(ascii: "["): lastKeys.append(nil)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): lastKeys.removeLast()
            case UInt8(ascii: "\""):
                var end = index + 1
                while bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                let text = Array(bytes[(index + 1)..<end])
                if end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: ":"), let previous = lastKeys.last, let previous {
                    if !previous.isEmpty && !previous.lexicographicallyPrecedes(text) { return false }
                    lastKeys[lastKeys.count - 1] = text
                }
                index = end
            default: break
            }
            index += 1
        }
        return lastKeys.isEmpty
    }
}
