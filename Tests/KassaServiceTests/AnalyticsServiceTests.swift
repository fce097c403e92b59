import Foundation
import KassaTestSupport
import Testing

@Suite("Segments and exports through the real server", .serialized)
struct AnalyticsServiceTests {
    /// Three customers: one buying on three days, one on one day, one never.
    private func seed(_ server: ServerProcess) async throws {
        for (card, source) in [("7700000000017", "flyer"), ("7700000000024", "web"), ("7700000000031", "till")] {
            #expect(try await server.call("POST", "/v1/customers", role: "staff", json: ["card": card, "name": "N \(card)", "source": source]).status == 201)
        }
        var n = 0
        func sell(_ card: String?, _ day: String) async throws {
            n += 1
            var body = saleBody("A-\(n)", customer: card, lines: [["sku": "4607001234562", "qty": 2, "price": 5000]])
            body["at"] = "2026-11-\(day)T10:00:00+03:00"
            #expect(try await server.call("POST", "/v1/sales", role: "till", json: body).status == 201)
        }
        try await sell("7700000000017", "02")
        try await sell("7700000000017", "09")
        try await sell("7700000000017", "16")
        try await sell("7700000000024", "03")
        try await sell(nil, "03")
        // A voided sale leaves nothing behind for its customer.
        try await sell("7700000000031", "04")
        var void = ["id": "V-1", "sale": "A-6", "terminal": "T07", "cashier": "C12", "at": "2026-11-04T11:00:00+03:00"]
        void["reason"] = "wrong customer"
        #expect(try await server.call("POST", "/v1/voids", role: "till", json: void).status == 201)
    }

    @Test func segmentsCountEveryCustomerAndTheCardShowsItsSegment() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        try await seed(server)
        // The history reaches SQLite a moment after the sale is acknowledged.
        var counted = 0
        for _ in 0..<50 {
            let refresh = try await server.call("POST", "/v1/segments/refresh", role: "staff")
            #expect(refresh.status == 200)
            if refresh.body["through_seq"] as? Int ?? 0 >= 10 { counted = refresh.body["customers"] as? Int ?? 0; break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(counted == 3)
        let segments = try await server.call("GET", "/v1/segments", role: "staff")
        let list = try #require(segments.body["segments"] as? [[String: Any]])
        let counts = Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0["count"] as! Int) })
        #expect(counts.values.reduce(0, +) == 3)
        #expect(counts["no_purchases"] == 1)  // the voided sale was the third customer's only one

        let card = try await server.call("GET", "/v1/customers/7700000000017", role: "staff")
        let segment = try #require(card.body["segment"] as? [String: Any])
        let name = try #require(segment["name"] as? String)
        #expect(counts[name] ?? 0 >= 1)
        let members = try await server.call("GET", "/v1/segments/\(name)", role: "staff")
        #expect((members.body["customers"] as? [[String: Any]])?.contains { $0["card"] as? String == "7700000000017" } == true)
        let row = try #require((members.body["customers"] as? [[String: Any]])?.first { $0["card"] as? String == "7700000000017" })
        #expect(row["frequency"] as? Int == 2 && row["recency_days"] as? Int == 14)
        #expect(segment["rfm"] as? String == row["rfm"] as? String)

        // Paged: one at a time, following next_after.
        let none = try await server.call("GET", "/v1/segments/no_purchases?limit=1", role: "staff")
        #expect((none.body["customers"] as? [[String: Any]])?.first?["card"] as? String == "7700000000031")
        let csv = try await server.call("GET", "/v1/segments/no_purchases?format=csv", role: "staff")
        #expect(String(decoding: csv.raw, as: UTF8.self) == """
            card,segment,rfm,r,f,m,frequency,recency_days,t_days,monetary,expected_purchases_90d,clv
            7700000000031,no_purchases,000,0,0,0,0,0,0,0,0,0

            """)
        #expect(try await server.call("GET", "/v1/segments/vip", role: "staff").code == "unknown_segment")
        #expect(try await server.call("GET", "/v1/segments", role: "till").status == 403)
        #expect(try await server.call("GET", "/v1/segments/lost?format=xml", role: "staff").field == "format")
    }

    @Test func reportsAnswerInJSONAndCSVWithTheirFilters() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        try await seed(server)
        let period = "from=2026-11-01&to=2026-11-30&as_of=2026-11-30"
        // The history reaches SQLite a moment after the sale is acknowledged.
        var rows: [[String: Any]] = []
        for _ in 0..<50 {
            let kpi = try await server.call("GET", "/v1/reports/kpi?\(period)&store=S1", role: "staff")
            #expect(kpi.status == 200 && kpi.body["store"] as? String == "S1" && kpi.body["from"] as? String == "2026-11-01")
            rows = kpi.body["rows"] as? [[String: Any]] ?? []
            if rows.first(where: { $0["period"] as? String == "total" })?["receipts"] as? Int == 5 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        // Six sales of 100.00, one of them voided.
        let total = try #require(rows.first { $0["period"] as? String == "total" })
        #expect(total["receipts"] as? Int == 5 && total["revenue"] as? Int == 50_000 && total["average_check"] as? Int == 10_000)
        #expect(rows.first { $0["period"] as? String == "2026-11-03" }?["receipts"] as? Int == 2)
        #expect(rows.first { $0["period"] as? String == "2026-11-04" }?["receipts"] as? Int == 0)
        let other = try await server.call("GET", "/v1/reports/kpi?\(period)&store=S9", role: "staff")
        #expect(other.status == 200 && (other.body["rows"] as? [[String: Any]])?.isEmpty == true)

        let csv = try await server.call("GET", "/v1/reports/kpi?\(period)&store=S1&format=csv", role: "staff")
        let text = String(decoding: csv.raw, as: UTF8.self)
        #expect(text.hasPrefix("store,period,receipts,") && text.contains("\nS1,total,5,"))

        // Three enrolled in November: two bought (the third's only sale was voided), one of them
        // on three days.
        let funnel = try await server.call("GET", "/v1/reports/funnel?\(period)", role: "staff")
        let everyone = try #require((funnel.body["rows"] as? [[String: Any]])?.first { $0["source"] as? String == "all" })
        #expect(everyone["enrolled"] as? Int == 3 && everyone["first_purchase"] as? Int == 2 && everyone["repeat"] as? Int == 1)
        let sources = try await server.call("GET", "/v1/reports/sources?\(period)", role: "staff")
        let flyer = try #require((sources.body["rows"] as? [[String: Any]])?.first { $0["source"] as? String == "flyer" })
        #expect(flyer["revenue"] as? Int == 30_000 && flyer["receipts"] as? Int == 3)
        let cohorts = try await server.call("GET", "/v1/reports/cohorts?\(period)", role: "staff")
        #expect((cohorts.body["rows"] as? [[String: Any]])?.first?["size"] as? Int == 3)
        let abc = try await server.call("GET", "/v1/reports/abc-xyz?\(period)", role: "staff")
        let item = try #require((abc.body["rows"] as? [[String: Any]])?.first)
        #expect(item["sku"] as? String == "4607001234562" && item["abc"] as? String == "A" && item["revenue"] as? Int == 50_000)
        let byCustomer = try await server.call("GET", "/v1/reports/abc-xyz?\(period)&of=customers", role: "staff")
        #expect((byCustomer.body["rows"] as? [[String: Any]])?.first?["card"] as? String == "7700000000017")
        #expect(try await server.call("GET", "/v1/reports/birthdays?days=30", role: "staff").status == 200)
        #expect(try await server.call("GET", "/v1/reports/clv", role: "staff").status == 200)

        // Bad filters are named.
        #expect(try await server.call("GET", "/v1/reports/kpi?from=2026-13-01", role: "staff").field == "from")
        #expect(try await server.call("GET", "/v1/reports/kpi?from=2026-11-30&to=2026-11-01", role: "staff").field == "from")
        #expect(try await server.call("GET", "/v1/reports/kpi?granularity=hour", role: "staff").field == "granularity")
        #expect(try await server.call("GET", "/v1/reports/abc-xyz?of=stores", role: "staff").field == "of")
        #expect(try await server.call("GET", "/v1/reports/birthdays?days=0", role: "staff").field == "days")
        #expect(try await server.call("GET", "/v1/reports/profit", role: "staff").code == "unknown_report")
    }

    @Test func exportsFromTheServerAndFromTheStoppedDataDirAgree() async throws {
        let server = try ServerProcess()
        try await seed(server)
        // The history reaches SQLite a moment after each change is acknowledged. The void comes
        // last, so waiting for six receipts alone could export A-6 before its void: wait until
        // the history holds everything journaled.
        let journaled = try #require(try await server.call("GET", "/v1/stats", role: "staff").body["journal_seq"] as? Int)
        var through = 0
        for _ in 0..<50 {
            let refresh = try await server.call("POST", "/v1/segments/refresh", role: "staff")
            through = refresh.body["through_seq"] as? Int ?? 0
            if through >= journaled { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(through >= journaled)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let url = "http://127.0.0.1:\(server.port)"
        let staff = server.tokens["staff"]!
        let run = try runKassa(["export", "sales", "--url", url, "--token", staff, "--out", directory + "/sales-online.csv"])
        #expect(run.status == 0, "\(run.errors)")
        let online = (try? String(contentsOfFile: directory + "/sales-online.csv", encoding: .utf8)) ?? ""
        #expect(online.split(separator: "\n").count == 7)  // the header and six one-line receipts
        #expect(online.contains(",A-6,") && online.split(separator: "\n").first { $0.contains(",A-6,") }?.contains(",10000,1,") == true)
        let segmentsOnline = try runKassa(["export", "segments", "--url", url, "--token", staff, "--as-of", "2026-11-20",
                                           "--format", "jsonl", "--out", directory + "/segments-online.jsonl"])
        #expect(segmentsOnline.status == 0, "\(segmentsOnline.errors)")
        #expect(server.stop() == 0)

        let config = ServerProcess.repository.appendingPathComponent("config/kassa.yaml").path
        let offline = try runKassa(["export", "sales", "--data", server.data, "--config", config, "--out", directory + "/sales-offline.csv"])
        #expect(offline.status == 0, "\(offline.errors)")
        #expect(try String(contentsOfFile: directory + "/sales-offline.csv", encoding: .utf8) == online)
        let segmentsOffline = try runKassa(["export", "segments", "--data", server.data, "--config", config, "--as-of", "2026-11-20",
                                            "--format", "jsonl", "--out", directory + "/segments-offline.jsonl"])
        #expect(segmentsOffline.status == 0, "\(segmentsOffline.errors)")
        let lines = try String(contentsOfFile: directory + "/segments-offline.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(try String(contentsOfFile: directory + "/segments-online.jsonl", encoding: .utf8).split(separator: "\n") == lines)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["card"] as? String == "7700000000017" && first["frequency"] as? Int == 2 && first["t_days"] as? Int == 18)

        // A bad flag or an unwritable place fails with a message and leaves no partial file.
        let bad = try runKassa(["export", "segments", "--data", server.data, "--config", config, "--format", "xml"])
        #expect(bad.status != 0 && bad.errors.contains("--format"))
        let nowhere = try runKassa(["export", "sales", "--data", server.data, "--config", config, "--out", "/nonexistent/dir/x.csv"])
        #expect(nowhere.status == 1 && nowhere.errors.contains("/nonexistent/dir/x.csv"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.contains(".partial-") })

        // A mistyped data directory is refused, not created and exported as empty.
        let mistyped = directory + "/no-such-data"
        let missing = try runKassa(["export", "segments", "--data", mistyped, "--config", config, "--out", directory + "/empty.csv"])
        #expect(missing.status == 1 && missing.errors.contains("\(mistyped) is not a Kassa data directory"), "\(missing.errors)")
        #expect(!FileManager.default.fileExists(atPath: mistyped) && !FileManager.default.fileExists(atPath: directory + "/empty.csv"))
    }
}
