import Foundation
import KassaTestSupport
import Testing

/// Kassa's buy-till-you-die figures against an independent implementation: the `lifetimes`
/// Python library (0.11.3, installed by `make test` through scripts/analytics/setup-lifetimes.sh)
/// on the CDNOW sample it ships, a public record of 6,919 purchases by 2,357 customers.
@Suite("Lifetime value against the lifetimes library on CDNOW", .serialized)
struct LifetimesReferenceTests {
    private static let scripts = ServerProcess.repository.appendingPathComponent("scripts/analytics").path

    @Test func summaryFitsAndExpectedPurchasesAgreeWithLifetimes() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-cdnow-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        // The sample as Kassa's import CSV, and the as-of day lifetimes' CDNOW examples use.
        let converted = try run("/usr/bin/env", ["python3", Self.scripts + "/cdnow_to_kassa.py", work + "/cdnow.csv"])
        #expect(converted.status == 0, "\(converted.errors)")
        let asOf = converted.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(asOf == "1997-09-30")

        // Kassa: import the history into a data dir, export the segments as of that day.
        let data = work + "/data"
        let config = ServerProcess.repository.appendingPathComponent("config/kassa.yaml").path
        let imported = try run(builtExecutable("kassa"), ["import", "sales", work + "/cdnow.csv", "--data", data, "--config", config])
        #expect(imported.status == 0, "\(imported.errors)")
        let exported = try run(builtExecutable("kassa"), ["export", "segments", "--data", data, "--config", config, "--as-of", asOf,
                                                          "--out", work + "/segments.csv"])
        #expect(exported.status == 0, "\(exported.errors)")

        // lifetimes on the very same file.
        let reference = try run("/usr/bin/env", ["python3", Self.scripts + "/lifetimes_reference.py", work + "/cdnow.csv", asOf,
                                                 work + "/reference.json"])
        try #require(reference.status == 0, "lifetimes did not run (make test installs it): \(reference.errors)")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/reference.json"))) as? [String: Any])
        let customers = try #require(expected["customers"] as? [String: [String: Double]])
        #expect(customers.count == 2357)

        let rows = try csvRows(work + "/segments.csv")
        #expect(rows.count == 2357)
        var mismatches: [String] = []
        for (card, theirs) in customers {
            guard let ours = rows[card] else { mismatches.append("\(card) missing"); continue }
            // frequency, recency and T are whole days on both sides: equal, not close.
            if Double(ours["frequency"]!) != theirs["frequency"] || Double(ours["recency_days"]!) != theirs["recency"]
                || Double(ours["t_days"]!) != theirs["T"] {
                mismatches.append("\(card): \(ours) vs \(theirs)")
            }
            // Kassa rounds the mean repeat spend to a minor unit.
            if abs(Double(ours["monetary"]!)! - theirs["monetary"]!) > 0.5 + 1e-9 { mismatches.append("\(card) monetary \(ours["monetary"]!) vs \(theirs["monetary"]!)") }
            // Expected purchases within 1 % (or within the export's six decimals for tiny ones).
            let purchases = Double(ours["expected_purchases_90d"]!)!, reference = theirs["expected_purchases_90d"]!
            if abs(purchases - reference) > max(0.01 * reference, 5e-7) {
                mismatches.append("\(card) expected purchases \(purchases) vs \(reference)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")

        // The fitted parameters, as the clv report gives them.
        let server = try ServerProcess(data: data)
        defer { _ = server.stop() }
        let report = try await server.call("GET", "/v1/reports/clv?as_of=\(asOf)", role: "staff")
        #expect(report.status == 200)
        var fitted: [String: Double] = [:]
        for row in report.body["rows"] as? [[String: Any]] ?? [] {
            fitted["\(row["model"]!).\(row["parameter"]!)"] = (row["value"] as? NSNumber)?.doubleValue
        }
        for (model, names) in [("bgnbd", ["r", "alpha", "a", "b"]), ("gamma_gamma", ["p", "q", "v"])] {
            let theirs = try #require(expected[model] as? [String: Double])
            for name in names {
                let ours = try #require(fitted["\(model).\(name)"], "\(model).\(name) missing from the clv report")
                let reference = try #require(theirs[name])
                #expect(abs(ours - reference) <= 0.01 * abs(reference), "\(model).\(name): Kassa \(ours), lifetimes \(reference)")
            }
        }
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, out, err)
    }

    /// The export's rows by card (its CSV has no quoted fields: cards, names of segments, numbers).
    private func csvRows(_ path: String) throws -> [String: [String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        var rows: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[fields[0]] = Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
        return rows
    }
}
