import Foundation
import KassaTestSupport
import KassaAnalytics
import KassaCore
import KassaService
import Testing

/// `kassa import sales` as the real binary: on a stopped data directory and through a server.
@Suite("kassa import sales end to end", .serialized)
struct ImportCommandTests {
    static let config = ServerProcess.repository.appendingPathComponent("config/kassa.yaml").path

    /// Two receipts of one card (the first with two lines), one of a new card, one without a card.
    static let history = """
        id,customer,at,total,sku,qty,price,store
        R1,7000123456789,2025-03-14T10:00:00+03:00,17980,4607001234562,2,8990,S1
        R1,7000123456789,2025-03-14T10:00:00+03:00,500,46012340,1,500,S1
        R2,7000123456789,2025-06-01,1200,,,,S1
        R3,7000000000017,2025-05-01,300,,,,S2
        R4,,2025-05-02,700,,,,S2

        """

    static func temporary(_ name: String) -> String {
        TemporaryDirectories.fresh("kassa-import-\(name)")
    }

    static func write(_ text: String) throws -> String {
        let path = temporary("file") + ".csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `kassa` with `arguments`, without the default loyalty programme; the exit status
    /// and what it wrote.
    static func kassa(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        try runKassa(arguments, environment: ["KASSA_LOYALTY_RULES_FILE": ""])
    }

    static func importLocally(_ file: String, data: String) throws -> (status: Int32, output: String, errors: String) {
        try kassa(["import", "sales", file, "--data", data, "--config", config])
    }

    @Test func importOnAStoppedDataDirIsServedAndARerunImportsNothingTwice() async throws {
        let data = Self.temporary("data")
        let file = try Self.write(Self.history)
        let first = try Self.importLocally(file, data: data)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("imported 4 receipts (2 lines), 2 customers enrolled, 0 receipts skipped as already imported"))
        let again = try Self.importLocally(file, data: data)
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.contains("imported 0 receipts (0 lines), 0 customers enrolled, 4 receipts skipped as already imported"))
        // A file with errors names them and changes nothing.
        let bad = try Self.write("customer,at,total\n7000123456789,2025-01-01,10\n7000123456789,2025-01-01,1.50\nabc,2025-01-01,10\n")
        let refused = try Self.importLocally(bad, data: data)
        #expect(refused.status == 1)
        #expect(refused.errors.contains("line 3: column 'total': '1.50' is not a whole number"))
        #expect(refused.errors.contains("line 4: column 'customer': 'abc' is not a card number"))
        #expect(refused.errors.contains("nothing was imported"))

        let server = try ServerProcess(data: data)
        defer { _ = server.stop() }
        let card = try await server.call("GET", "/v1/customers/7000123456789", role: "staff")
        #expect(card.status == 200)
        #expect(card.body["visits"] as? Int == 2)
        #expect(card.body["lifetime_spend"] as? Int == 19680)
        #expect(card.body["first_visit"] as? String == "2025-03-14")
        #expect(card.body["last_visit"] as? String == "2025-06-01")
        #expect(card.body["points"] as? Int == 0)
        let enrolled = try await server.call("GET", "/v1/customers/7000000000017", role: "staff")
        #expect(enrolled.body["source"] as? String == "import")
        #expect(enrolled.body["enrolled_at"] as? String == "2025-05-01T00:00:00Z")
        // The enrolment went into the directory with the history (staff search reads it).
        let search = try await server.call("GET", "/v1/customers?q=7000000000017", role: "staff")
        #expect((search.body["customers"] as? [[String: Any]])?.first?["card"] as? String == "7000000000017")
        let stats = try await server.call("GET", "/v1/stats", role: "staff")
        #expect(stats.body["receipts"] as? Int == 4)
        #expect(stats.body["revenue"] as? Int == 20680)
        #expect(stats.body["customers"] as? Int == 2)
        let imported = stats.body["imported"] as? [String: Any]
        #expect(imported?["receipts"] as? Int == 4)
        #expect(imported?["lines"] as? Int == 2)
        #expect(imported?["revenue"] as? Int == 20680)
        #expect(imported?["customers"] as? Int == 2)
        let history = try await server.call("GET", "/v1/customers/7000123456789/history", role: "staff")
        let sales = history.body["sales"] as? [[String: Any]] ?? []
        #expect(sales.map { $0["id"] as? String } == ["R2", "R1"])
        #expect((sales.last?["lines"] as? [Any])?.count == 2)

        // The server holds the data directory: a local import is refused and changes nothing.
        let locked = try Self.importLocally(file, data: data)
        #expect(locked.status == 2)
        #expect(locked.errors.contains("in use by another Kassa process"))
    }

    @Test func importThroughAServerAndAgainImportsOnce() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let file = try Self.write(Self.history)
        let url = "http://127.0.0.1:\(server.port)"
        let admin = server.tokens["admin"] ?? ""
        // An import that failed after its first receipt (R1, the earliest: two lines, a new card) has it already.
        let parsed = try SalesImport.parse(Array(Self.history.utf8), options: SalesImport.Options(now: Timestamp(epochMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)))).get()
        let partial = try await server.call("POST", "/v1/imports/sales", role: "admin", body: Data(SalesImportWire.body(parsed.sales.prefix(1))))
        #expect(partial.status == 201)
        let first = try Self.kassa(["import", "sales", file, "--url", url, "--token", admin, "--config", Self.config])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("imported 3 receipts (0 lines), 1 customers enrolled, 1 receipts skipped as already imported"))
        let again = try Self.kassa(["import", "sales", file, "--url", url, "--token", admin, "--config", Self.config])
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.contains("imported 0 receipts (0 lines), 0 customers enrolled, 4 receipts skipped as already imported"))
        let stats = try await server.call("GET", "/v1/stats", role: "staff")
        #expect(stats.body["receipts"] as? Int == 4)
        #expect((stats.body["imported"] as? [String: Any])?["receipts"] as? Int == 4)
        let card = try await server.call("GET", "/v1/customers/7000123456789", role: "staff")
        #expect(card.body["visits"] as? Int == 2)

        // Only an admin may import.
        let staff = try Self.kassa(["import", "sales", file, "--url", url, "--token", server.tokens["staff"] ?? "", "--config", Self.config])
        #expect(staff.status == 1)
        #expect(staff.errors.contains("forbidden"))
    }

    @Test func theEndpointChecksEachReceiptAndNamesTheField() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let body: [String: Any] = ["import_id": "sales-manual-1", "sales": [
            ["ordinal": 0, "id": "A", "at": "2025-01-01T10:00:00+03:00", "customer": "7000123456789", "total": 100],
            ["ordinal": 1, "id": "B", "at": "2025-01-02T10:00:00+03:00", "total": 101,
             "lines": [["sku": "4607001234562", "qty": 1, "price": 100]]],
        ]]
        let refused = try await server.call("POST", "/v1/imports/sales", role: "admin", json: body)
        #expect(refused.status == 422)
        #expect(refused.field == "sales[1].total")
        let stats = try await server.call("GET", "/v1/stats", role: "staff")
        #expect(stats.body["receipts"] as? Int == 0)
        var good = body
        good["sales"] = [(body["sales"] as! [[String: Any]])[0]]
        let created = try await server.call("POST", "/v1/imports/sales", role: "admin", json: good)
        #expect(created.status == 201)
        #expect(created.body["imported"] as? Int == 1 && created.body["enrolled"] as? Int == 1)
        let repeated = try await server.call("POST", "/v1/imports/sales", role: "admin", json: good)
        #expect(repeated.status == 200)
        #expect(repeated.body["skipped"] as? Int == 1 && repeated.body["imported"] as? Int == 0)
        let till = try await server.call("POST", "/v1/imports/sales", role: "till", json: good)
        #expect(till.status == 403)
    }
}
