import Foundation
import KassaTestSupport
import Testing

@Suite("kassa serve: the HTTP API end to end", .serialized)
struct ServerTests {
    @Test func salesReturnsVoidsCustomersShiftsAndStatsFlowThroughTheRealServer() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        #expect(try await server.call("GET", "/healthz").status == 200)
        #expect(try await server.call("GET", "/readyz").status == 200)

        let products = try await server.call("PUT", "/v1/products", role: "admin", json: ["products": [
            ["sku": "4607001234562", "name": "Молоко 3,2%", "category": "dairy", "price": 8990],
            ["sku": "46012340", "name": "Табак", "category": "tobacco", "price": 25000, "never_discounted": true],
        ]])
        #expect(products.status == 200 && products.body["upserted"] as? Int == 2)

        let enrol = try await server.call("POST", "/v1/customers", role: "staff",
                                          json: ["card": "7000123456789", "phone": "+79001234567", "name": "Анна Петрова", "birthdate": "1990-05-17", "source": "flyer"])
        #expect(enrol.status == 201)
        #expect(try await server.call("POST", "/v1/customers", role: "staff", json: ["card": "7000123456789", "name": "Другая"]).status == 409)

        // A sale, its retry, and the same id with another body.
        let sale = saleBody("S1-T07-000123", customer: "7000123456789", payments: [["method": "card", "amount": 59430]])
        let first = try await server.call("POST", "/v1/sales", role: "till", json: sale)
        #expect(first.status == 201)
        #expect(first.body["total"] as? Int == 59430)
        #expect((first.body["lines"] as? [[String: Any]])?[1]["amount"] as? Int == 41450)  // 0.755 × 549.00 half-up
        let retry = try await server.call("POST", "/v1/sales", role: "till", json: sale)
        #expect(retry.status == 200)
        #expect(retry.body["seq"] as? Int == first.body["seq"] as? Int)
        var changed = sale
        changed["cashier"] = "C13"
        let conflict = try await server.call("POST", "/v1/sales", role: "till", json: changed)
        #expect(conflict.status == 409 && conflict.code == "id_conflict")
        let mismatch = try await server.call("POST", "/v1/sales", role: "till",
                                             json: saleBody("S1-T07-000124", payments: [["method": "cash", "amount": 100]]))
        #expect(mismatch.status == 422 && mismatch.code == "payment_mismatch")
        #expect((mismatch.body["error"] as? [String: Any])?["message"] as? String == "payments add up to 100 but the total after discounts is 59430")

        let read = try await server.call("GET", "/v1/sales/S1-T07-000123", role: "staff")
        #expect(read.status == 200 && read.body["id"] as? String == "S1-T07-000123")
        #expect(try await server.call("GET", "/v1/sales/nope", role: "till").status == 404)

        // Part of a line back, then more than is left.
        let back = try await server.call("POST", "/v1/returns", role: "till", json: [
            "id": "R1", "sale": "S1-T07-000123", "store": "S1", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:00:00+03:00",
            "lines": [["sku": "4607001234562", "qty": 1]]])
        #expect(back.status == 201 && back.body["refund"] as? Int == 8990)
        let tooMuch = try await server.call("POST", "/v1/returns", role: "till", json: [
            "id": "R2", "sale": "S1-T07-000123", "store": "S1", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:00:00+03:00",
            "lines": [["sku": "4607001234562", "qty": 2]]])
        #expect(tooMuch.status == 422 && tooMuch.code == "return_exceeds_sale")
        let voidReturned = try await server.call("POST", "/v1/voids", role: "till", json: [
            "id": "V1", "sale": "S1-T07-000123", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:05:00+03:00"])
        #expect(voidReturned.status == 422 && voidReturned.code == "sale_has_returns")

        // Another sale, voided once; the void's retry answers the original.
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: saleBody("S2")).status == 201)
        let void = ["id": "V2", "sale": "S2", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:06:00+03:00"]
        #expect(try await server.call("POST", "/v1/voids", role: "till", json: void).status == 201)
        #expect(try await server.call("POST", "/v1/voids", role: "till", json: void).status == 200)

        // Customer card: full for staff, summary for a till.
        let card = try await server.call("GET", "/v1/customers/7000123456789", role: "staff")
        #expect(card.status == 200 && card.body["name"] as? String == "Анна Петрова" && card.body["visits"] as? Int == 1)
        let summary = try await server.call("GET", "/v1/customers/7000123456789", role: "till")
        #expect(summary.status == 200 && summary.body["name"] == nil && summary.body["points"] != nil)
        #expect(try await server.call("GET", "/v1/customers/7000000000000", role: "staff").status == 404)

        // X-report, then the Z-report from closing.
        let x = try await server.call("GET", "/v1/shifts/T07", role: "till")
        #expect(x.status == 200 && x.body["receipts"] as? Int == 2 && x.body["returns"] as? Int == 1 && x.body["voids"] as? Int == 1)
        let z = try await server.call("POST", "/v1/shifts/T07/close", role: "till")
        #expect(z.status == 200 && z.body["closed_at"] != nil && z.body["receipts"] as? Int == 2)
        #expect(try await server.call("GET", "/v1/shifts/T07", role: "till").status == 404)
        let opened = try await server.call("POST", "/v1/shifts/T07/open", role: "till")
        #expect(opened.status == 201 && opened.body["number"] as? Int == 2 && opened.body["receipts"] as? Int == 0)
        #expect(try await server.call("GET", "/v1/shifts/T07", role: "till").status == 200)

        let stats = try await server.call("GET", "/v1/stats", role: "staff")
        #expect(stats.body["receipts"] as? Int == 2 && stats.body["returns"] as? Int == 1 && stats.body["voids"] as? Int == 1)
        #expect(stats.body["revenue"] as? Int == 59430 - 8990)

        // The purchase history comes from SQLite, projected in the background.
        var history = try await server.call("GET", "/v1/customers/7000123456789/history", role: "staff")
        for _ in 0..<600 where (history.body["sales"] as? [Any])?.count != 1 {
            try await Task.sleep(for: .milliseconds(50))
            history = try await server.call("GET", "/v1/customers/7000123456789/history", role: "staff")
        }
        #expect(history.status == 200)
        let sales = try #require(history.body["sales"] as? [[String: Any]])
        #expect(sales.count == 1 && sales.first?["id"] as? String == "S1-T07-000123" && (sales.first?["lines"] as? [Any])?.count == 2)
        #expect(try await server.call("GET", "/v1/customers/7000123456789/history", role: "till").status == 403)
        #expect(try await server.call("GET", "/v1/customers/7000123456789/history?limit=0", role: "staff").status == 422)

        // Staff search: by phone digits however typed, by the start of a name word, by card.
        var byPhone = try await server.call("GET", "/v1/customers?phone=%2B7%20(900)%20123-45-67", role: "staff")
        for _ in 0..<600 where (byPhone.body["customers"] as? [Any])?.count != 1 {
            try await Task.sleep(for: .milliseconds(50))
            byPhone = try await server.call("GET", "/v1/customers?phone=%2B7%20900%20123-45-67", role: "staff")
        }
        #expect((byPhone.body["customers"] as? [[String: Any]])?.first?["card"] as? String == "7000123456789")
        let byName = try await server.call("GET", "/v1/customers?q=%D0%BF%D0%B5%D1%82%D1%80", role: "staff")  // "петр"
        #expect((byName.body["customers"] as? [[String: Any]])?.count == 1)
        let byCard = try await server.call("GET", "/v1/customers?q=70001234", role: "staff")
        #expect((byCard.body["customers"] as? [[String: Any]])?.count == 1)
        #expect((try await server.call("GET", "/v1/customers?q=nobody", role: "staff").body["customers"] as? [Any])?.count == 0)
        #expect(try await server.call("GET", "/v1/customers", role: "staff").status == 422)

        // A batch: per-receipt results in order, good ones registered, bad ones refused alone.
        let batch = try await server.call("POST", "/v1/sales/batch", role: "till", json: ["sales": [
            saleBody("B1"), saleBody("B2", lines: [["sku": "4607001234562", "qty": 0, "price": 1]]), saleBody("B3"), saleBody("B1"),
        ]])
        #expect(batch.status == 200)
        let results = try #require(batch.body["results"] as? [[String: Any]])
        #expect(results.map { $0["status"] as? Int } == [201, 422, 201, 200])
        #expect(results.map { $0["id"] as? String } == ["B1", "B2", "B3", "B1"])
        #expect(((results[1]["error"] as? [String: Any])?["field"] as? String) == "lines[0].qty")
        let tooMany = try await server.call("POST", "/v1/sales/batch", role: "till",
                                            json: ["sales": Array(repeating: saleBody("X"), count: 1001)])
        #expect(tooMany.status == 422)

        // Who read which card is in the audit log, journaled; a till's summary read is not a card read.
        // (The history was polled above, so there are several history reads.)
        func auditEntries() async throws -> [[String: Any]] {
            (try await server.call("GET", "/v1/audit?subject=7000123456789&limit=1000", role: "admin").body["entries"] as? [[String: Any]]) ?? []
        }
        var entries = try await auditEntries()
        for _ in 0..<600 where !entries.contains(where: { $0["action"] as? String == "read_history" }) {
            try await Task.sleep(for: .milliseconds(50))
            entries = try await auditEntries()
        }
        #expect(entries.filter { $0["action"] as? String == "read_customer" }.count == 1)
        #expect(entries.contains { $0["action"] as? String == "read_history" })
        #expect(entries.allSatisfy { $0["actor"] as? String == "first-start-staff" && $0["role"] as? String == "staff" })
        #expect(try await server.call("GET", "/v1/audit", role: "staff").status == 403)

        // A token issued by an admin works, with its role.
        let issued = try await server.call("POST", "/v1/tokens", role: "admin", json: ["role": "staff", "name": "analyst"])
        #expect(issued.status == 201)
        let token = try #require(issued.body["token"] as? String)
        #expect(try await server.call("GET", "/v1/stats", token: token).status == 200)
        #expect(try await server.call("POST", "/v1/sales", token: token, json: saleBody("S3")).status == 403)
    }

    @Test func metricsCountRequestsByRouteAndStatusAndShowTheJournal() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: saleBody("M1")).status == 201)
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: saleBody("M1")).status == 200)
        #expect(try await server.call("GET", "/v1/sales/none", role: "till").status == 404)
        let reply = try await server.call("GET", "/metrics")
        #expect(reply.status == 200)
        let text = String(decoding: reply.raw, as: UTF8.self)
        #expect(text.contains(#"kassa_http_requests_total{route="/v1/sales",method="POST",status="201"} 1"#))
        #expect(text.contains(#"kassa_http_requests_total{route="/v1/sales",method="POST",status="200"} 1"#))
        #expect(text.contains(#"kassa_http_requests_total{route="/v1/sales/{id}",method="GET",status="404"} 1"#))
        #expect(text.contains("kassa_http_request_duration_seconds"))
        #expect(text.contains("kassa_journal_batch_records"))
        #expect(text.contains("kassa_journal_commit_duration_seconds"))
        #expect(text.contains("kassa_ledger_receipts_held 1"))
        #expect(text.contains("kassa_recovery_seconds"))
    }

    @Test func anAdminTokenFromTheEnvironmentWorksAndIsNeverWrittenDown() async throws {
        let secret = "env-admin-\(UUID().uuidString)"
        let server = try ServerProcess(environment: ["KASSA_ADMIN_TOKEN": secret])
        defer { _ = server.stop() }
        #expect(try await server.call("GET", "/v1/stats", token: secret).status == 200)
        let stored = try String(contentsOfFile: server.data + "/tokens.json", encoding: .utf8)
        #expect(!stored.contains(secret) && !stored.contains("KASSA_ADMIN_TOKEN"))
        let attributes = try FileManager.default.attributesOfItem(atPath: server.data + "/credentials")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func eachRoleDoesOnlyWhatItMay() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let cases: [(String, String, String?, Any?, Int)] = [
            ("GET", "/v1/stats", nil, nil, 401),
            ("GET", "/v1/stats", "till", nil, 403),
            ("GET", "/v1/stats", "staff", nil, 200),
            ("GET", "/v1/stats", "admin", nil, 200),
            ("POST", "/v1/sales", "staff", saleBody("A1"), 403),
            ("POST", "/v1/sales", "till", saleBody("A2"), 201),
            ("POST", "/v1/sales", "admin", saleBody("A3"), 201),
            ("PUT", "/v1/products", "till", ["products": [["sku": "46012340", "name": "x", "price": 1]]], 403),
            ("PUT", "/v1/products", "staff", ["products": [["sku": "46012340", "name": "x", "price": 1]]], 403),
            ("PUT", "/v1/products", "admin", ["products": [["sku": "46012340", "name": "x", "price": 1]]], 200),
            ("POST", "/v1/tokens", "staff", ["role": "admin", "name": "me"], 403),
            ("POST", "/v1/tokens", "till", ["role": "admin", "name": "me"], 403),
            ("POST", "/v1/shifts/T1/close", "staff", nil, 403),
            ("GET", "/v1/customers?phone=79001234567", "till", nil, 403),
            ("GET", "/v1/customers?phone=79001234567", "staff", nil, 200),
            ("GET", "/v1/sales/A2", "till", nil, 200),
            ("GET", "/v1/sales/A2", "staff", nil, 200),
            ("POST", "/v1/customers", "till", ["card": "7000000000017", "name": "Till enrolment"], 201),
            ("POST", "/v1/returns", "staff", [:] as [String: Any], 403),
            ("POST", "/v1/voids", "staff", [:] as [String: Any], 403),
            ("POST", "/v1/quotes", "till", [:] as [String: Any], 422),
            ("POST", "/v1/quotes", "staff", [:] as [String: Any], 403),
            ("PUT", "/v1/rules", "staff", nil, 403),
            ("GET", "/v1/segments", "staff", nil, 200),
            ("GET", "/v1/segments", "till", nil, 403),
            ("GET", "/v1/reports/kpi", "staff", nil, 200),
            ("GET", "/v1/reports/kpi", "till", nil, 403),
            ("GET", "/v1/exports/sales", "till", nil, 403),
            ("GET", "/v1/rules", "till", nil, 200),
            ("GET", "/v1/products", "till", nil, 200),
            ("GET", "/v1/products", "staff", nil, 200),
        ]
        for (method, path, role, body, status) in cases {
            let reply = try await server.call(method, path, role: role, json: body)
            #expect(reply.status == status, "\(method) \(path) as \(role ?? "nobody")")
            if status >= 400 { #expect(reply.code != nil, "\(method) \(path): errors carry a code") }
        }
        let forged = try await server.call("GET", "/v1/stats", token: String(repeating: "0", count: 64))
        #expect(forged.status == 401 && forged.code == "unauthorized")
    }

    @Test func concurrentDuplicatesRegisterOnceAndARestartKeepsEverything() async throws {
        let data = TemporaryDirectories.fresh("kassa-restart")
        let racing = try ServerProcess(data: data)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<24 {
                group.addTask { try await racing.call("POST", "/v1/sales", role: "till", json: saleBody("RACE-1")).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 201 }.count == 1)
        #expect(statuses.filter { $0 == 200 }.count == 23)
        #expect(try await racing.call("GET", "/v1/stats", role: "staff").body["receipts"] as? Int == 1)
        #expect(racing.stop() == 0, "SIGTERM exits 0")
        #expect(racing.printed.contains("kassa: stopped cleanly"))

        let server = try ServerProcess(data: data)
        defer { _ = server.stop() }
        #expect(server.printed.first { $0.hasPrefix("kassa: first start") } == nil, "credentials are written on the first start only")
        #expect(try await server.call("GET", "/v1/sales/RACE-1", role: "till").status == 200)
        #expect(try await server.call("POST", "/v1/sales", role: "till", json: saleBody("RACE-1")).status == 200)
        #expect(try await server.call("GET", "/v1/stats", role: "staff").body["receipts"] as? Int == 1)
    }
}
