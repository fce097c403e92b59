import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The server's ClickHouse feed, switched on by configuration, against a real clickhouse-server
/// started by `scripts/clickhouse.sh` (installed by `make test`).
@Suite("kassa serve feeding ClickHouse", .serialized)
struct ClickHouseFeedTests {
    @Test func aRestartedServerFeedsEveryReceiptOnceAndItsSegments() async throws {
        let script = ServerProcess.repository.appendingPathComponent("scripts/clickhouse.sh").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-feed-\(UUID().uuidString)").path
        let url = try shell([script, "start", directory, "0"]).trimmingCharacters(in: .whitespacesAndNewlines)
        defer {
            _ = try? shell([script, "stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        let environment = ["KASSA_ANALYTICS_CLICKHOUSE_URL": url, "KASSA_ANALYTICS_CLICKHOUSE_DATABASE": "kassa_feed",
                           "KASSA_ANALYTICS_CLICKHOUSE_INTERVAL_MS": "100"]
        let first = try ServerProcess(environment: environment)
        for card in ["7700000000017", "7700000000024", "7700000000031"] {
            #expect(try await first.call("POST", "/v1/customers", role: "staff", json: ["card": card, "name": "N"]).status == 201)
        }
        let cards = ["7700000000017", "7700000000024", nil]
        for n in 1...15 {
            let sale = saleBody("F-\(n)", customer: cards[n % 3], lines: [["sku": "4607001234562", "qty": n, "price": 1000]])
            #expect(try await first.call("POST", "/v1/sales", role: "till", json: sale).status == 201)
        }
        // Stopped while the feed may still be sending; the next server goes on from what
        // ClickHouse holds.
        #expect(first.stop() == 0)
        let second = try ServerProcess(data: first.data, environment: environment)
        defer { _ = second.stop() }
        for n in 16...20 {
            let sale = saleBody("F-\(n)", lines: [["sku": "4607001234562", "qty": n, "price": 1000]])
            #expect(try await second.call("POST", "/v1/sales", role: "till", json: sale).status == 201)
        }
        #expect(try await second.call("POST", "/v1/segments/refresh", role: "staff").status == 200)
        let expected = "20\t20\t\((1...20).reduce(0, +) * 1000)\t20"
        var seen = ""
        for _ in 0..<100 {
            seen = (try? await query(url, "SELECT count(), uniqExact(seq), sum(total), (SELECT count() FROM kassa_feed.sale_lines) FROM kassa_feed.sales")) ?? ""
            if seen == expected { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(seen == expected)
        // A segment snapshot arrives whole: as many rows as it says it has.
        var segments = ""
        for _ in 0..<100 {
            segments = (try? await query(url, """
                SELECT count() = any(customers) AS whole, any(customers), max(computed_at_ms) AS at FROM kassa_feed.segments
                GROUP BY number, computed_at ORDER BY at DESC LIMIT 1
                """)) ?? ""
            if segments.hasPrefix("1\t3\t") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(segments.hasPrefix("1\t3\t"), "\(segments)")
    }

    private func query(_ url: String, _ sql: String) async throws -> String {
        var request = URLRequest(url: URL(string: url + "/")!)
        request.httpMethod = "POST"
        request.httpBody = Data((sql + " FORMAT TabSeparated").utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func shell(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ServerError("\(arguments) failed with \(process.terminationStatus)") }
        return text
    }
}
