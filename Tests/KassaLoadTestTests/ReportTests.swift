import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Histogram
import Testing
@testable import KassaLoadTest

@Suite("Load test reports")
struct ReportTests {
    // MARK: Fixtures

    /// Quotes took 1…10,000 µs, each value once; sales 1…100 µs, with four refused.
    static let quoteMicroseconds = Array(UInt64(1)...10_000)
    static let saleMicroseconds = Array(UInt64(1)...100)

    static func stats(_ kind: OperationKind, microseconds: [UInt64], errors: [String: Int] = [:]) -> OperationStats {
        var stats = OperationStats(kind: kind)
        for value in microseconds { stats.histogram.record(value * 1_000) }
        stats.errors = errors
        return stats
    }

    /// The exact percentile of the recorded values, by HdrHistogram's rule: the smallest value at
    /// or below which `percentile` % of the values lie.
    static func exactMilliseconds(_ microseconds: [UInt64], _ percentile: Double) -> Double {
        let sorted = microseconds.sorted()
        let rank = max(Int((percentile / 100 * Double(sorted.count)).rounded(.up)), 1)
        return Double(sorted[rank - 1]) / 1_000
    }

    static func timeline(seconds: Int) -> [SecondSample] {
        (0..<seconds).map { second in
            SecondSample(second: second, operations: [
                .quote: .init(count: 200, errors: 0, p50: 5, p99: 9.9, max: 10),
                .sale: .init(count: 2, errors: second % 10 == 0 ? 1 : 0, p50: 0.05, p99: 0.099, max: 0.1),
            ])
        }
    }

    static func run(target: String, receiptsPerSecond: Double, verification: Verification?) -> TargetRun {
        TargetRun(target: target, summary: "\(target) with fdatasync before every answer", mode: "open loop at 2 receipts/s",
                  seconds: 50, receiptsPerSecond: receiptsPerSecond,
                  operations: [stats(.sale, microseconds: saleMicroseconds, errors: ["422 payment_mismatch": 3, "transport": 1]),
                               stats(.quote, microseconds: quoteMicroseconds)],
                  timeline: timeline(seconds: 50), verification: verification)
    }

    static let agreed = Verification(acknowledged: SystemTotals(receipts: 100, revenue: 12_345), reported: SystemTotals(receipts: 100, revenue: 12_345),
                                     mismatches: [])
    static let disagreed = Verification(acknowledged: SystemTotals(receipts: 100, revenue: 12_345), reported: SystemTotals(receipts: 99, revenue: 12_000),
                                        mismatches: ["receipts: acknowledged 100, reported 99", "revenue: acknowledged 12345, reported 12000"])

    static func report(kassaVerification: Verification? = agreed, configuration: [(String, String)] = [("profile", "hypermarket"), ("seed", "7")]) -> RunReport {
        RunReport(configuration: configuration, machine: [("CPU", "Test CPU"), ("cores", "2")],
                  runs: [run(target: "kassa", receiptsPerSecond: 400, verification: kassaVerification),
                         run(target: "postgres", receiptsPerSecond: 200, verification: nil)],
                  startedAt: "2025-03-01T10:00:00Z")
    }

    /// The cells of the first table row of `operation` in the text: name, count, errors, rate/s,
    /// p50, p90, p99, p99.9, max.
    static func row(_ operation: String, in text: String) -> [String] {
        let rows = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        return rows.first { $0.first == operation && $0.count == 9 } ?? []
    }

    static func number(_ cell: String) -> Double {
        Double(cell.replacingOccurrences(of: ",", with: "")) ?? .nan
    }

    // MARK: Terminal table

    @Test("the table shows each operation's count, errors, rate and the percentiles of what was recorded")
    func tableShowsCountsAndPercentiles() throws {
        let text = SummaryTable.render(Self.report())
        let quote = Self.row("quote", in: text)
        try #require(quote.count == 9)
        #expect(quote[1] == "10,000")
        #expect(quote[2] == "0")
        #expect(quote[3] == "200.0")
        // HdrHistogram with three significant digits answers the top of the value's bucket: at
        // most 0.1 % above the exact value; the table then rounds to the microsecond.
        for (column, percentile) in [(4, 50.0), (6, 99.0)] {
            let exact = Self.exactMilliseconds(Self.quoteMicroseconds, percentile)
            let shown = Self.number(quote[column])
            #expect(shown >= exact - 0.0005 && shown <= exact * 1.001 + 0.0005, "p\(percentile): \(shown) ms, recorded \(exact) ms")
        }
        #expect(quote[8] == "10.000")
        let sale = Self.row("sale", in: text)
        try #require(sale.count == 9)
        #expect(sale[1] == "100" && sale[2] == "4")
        #expect(text.contains("sale: 422 payment_mismatch × 3"))
        #expect(text.contains("sale: transport × 1"))
        #expect(text.contains("kassa · open loop at 2 receipts/s · 50.0 s · 400.0 receipts/s"))
    }

    @Test("operations are listed in the report's order and their columns line up")
    func tableIsOrderedAndAligned() throws {
        let lines = SummaryTable.render(Self.report()).split(separator: "\n")
        let sale = try #require(lines.firstIndex { $0.hasPrefix("  sale ") })
        let quote = try #require(lines.firstIndex { $0.hasPrefix("  quote ") })
        let header = try #require(lines.first { $0.hasPrefix("  operation") })
        #expect(quote < sale)
        #expect(lines[quote].count == header.count && lines[sale].count == header.count)
    }

    @Test("a failed verification prints FAILED and every mismatch; a passed one prints PASSED")
    func verificationOutcomeIsShown() {
        let failed = SummaryTable.render(Self.report(kassaVerification: Self.disagreed))
        #expect(failed.contains("verification: FAILED"))
        #expect(failed.contains("receipts: acknowledged 100, reported 99"))
        #expect(failed.contains("revenue: acknowledged 12345, reported 12000"))
        let passed = SummaryTable.render(Self.report())
        #expect(passed.contains("verification: PASSED"))
        #expect(!passed.contains("FAILED"))
    }

    @Test("the table ends with Kassa's throughput against each baseline")
    func ratioLine() {
        let text = SummaryTable.render(Self.report())
        #expect(text.hasSuffix("kassa ÷ postgres: 2.0× receipts/s\n"))
        let kassaOnly = RunReport(configuration: [], machine: [], runs: [Self.run(target: "kassa", receiptsPerSecond: 400, verification: nil)],
                                  startedAt: "now")
        #expect(!SummaryTable.render(kassaOnly).contains("÷"))
    }

    @Test("the tool's own CPU is shown as cores and per receipt when it was measured, and left out when not")
    func toolCPU() {
        var measured = Self.run(target: "kassa", receiptsPerSecond: 400, verification: Self.agreed)
        // 50 s at 400 receipts/s is 20,000 receipts; 3 CPU seconds over them is 150 µs each.
        measured.toolCPUSeconds = 3
        let text = SummaryTable.render(RunReport(configuration: [], machine: [], runs: [measured], startedAt: "now"))
        #expect(text.contains("  the tool's own CPU: 0.06 cores, 150 µs per receipt\n"))
        #expect(HTMLReport.render(RunReport(configuration: [], machine: [], runs: [measured], startedAt: "now")).contains("150 µs per receipt"))
        #expect(!SummaryTable.render(Self.report()).contains("the tool's own CPU"))
    }

    // MARK: HTML page

    @Test("the page has three charts per run, loads nothing from the network and runs no script")
    func htmlIsSelfContained() throws {
        let html = HTMLReport.render(Self.report())
        #expect(html.components(separatedBy: "<svg").count - 1 == 6)
        #expect(!html.lowercased().contains("<script"))
        let remote = try Regex(#"(?i)(src|href)\s*=\s*["']?\s*(https?:)?//"#)
        #expect(html.firstMatch(of: remote) == nil)
        #expect(html.contains("<title>Kassa load test, 2025-03-01T10:00:00Z</title>"))
    }

    @Test("the page shows the summary numbers, the verification and the ratio")
    func htmlShowsResults() {
        let html = HTMLReport.render(Self.report(kassaVerification: Self.disagreed))
        #expect(html.contains("<td>quote</td><td class=\"n\">10,000</td><td class=\"n\">0</td><td class=\"n\">200.0</td>"))
        #expect(html.contains("Verification FAILED"))
        #expect(html.contains("<li>receipts: acknowledged 100, reported 99</li>"))
        #expect(html.contains("kassa ÷ postgres: 2.0× receipts/s"))
        #expect(html.contains("422 payment_mismatch × 3"))
    }

    @Test("text from the configuration is escaped, never taken as markup")
    func htmlEscapesText() {
        let html = HTMLReport.render(Self.report(configuration: [("note", "<img src=x onerror=alert(1)> & \"quoted\"")]))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"))
        #expect(!html.contains("<img"))
    }

    @Test("charts have labelled ticks: milliseconds on a log scale, seconds, and the percentile nines")
    func chartAxesAreLabelled() {
        let html = HTMLReport.render(Self.report())
        for tick in [">50 %<", ">90 %<", ">99 %<", ">99.9 %<", ">99.99 %<", ">latency (ms)<", ">seconds<", ">percentile<"] {
            #expect(html.contains(tick), "missing \(tick)")
        }
        // Latencies of 0.05…10 ms: the log axis runs over whole decades, 0.01 to 10 ms.
        let axis = HTMLReport.ChartAxis.logarithmic(covering: [0.05, 10])
        #expect(axis.lower == 0.01 && axis.upper == 10)
        #expect(axis.ticks.map(\.label) == ["0.01", "0.1", "1", "10"])
        #expect(HTMLReport.ChartAxis.percentilePosition(99, upTo: 4) == 2)
    }

    @Test("every chart is well-formed SVG")
    func chartsAreWellFormed() throws {
        let html = HTMLReport.render(Self.report())
        let charts = html.components(separatedBy: "<svg").dropFirst().map { "<svg" + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
        #expect(charts.count == 6)
        for chart in charts {
            let parser = XMLParser(data: Data(chart.utf8))
            #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        }
    }

    @Test("a run that measured nothing still renders, its charts saying so")
    func emptyRunRenders() {
        let empty = TargetRun(target: "sqlite", summary: "", mode: "closed loop, 1 worker", seconds: 0, receiptsPerSecond: 0,
                              operations: [OperationStats(kind: .sale)], timeline: [], verification: nil)
        let report = RunReport(configuration: [], machine: [], runs: [empty], startedAt: "now")
        let html = HTMLReport.render(report)
        #expect(html.components(separatedBy: "no samples").count - 1 == 3)
        #expect(Self.row("sale", in: SummaryTable.render(report)) == ["sale", "0", "0", "-", "-", "-", "-", "-", "-"])
    }

    // MARK: Machine

    @Test("the machine rows name this Linux machine's CPU, cores, memory and the data directory's filesystem")
    func machineInfoOnThisMachine() {
        let rows = Dictionary(MachineInfo.describe(dataDirectory: FileManager.default.temporaryDirectory.path), uniquingKeysWith: { a, _ in a })
        #expect(rows["cores"] == String(ProcessInfo.processInfo.activeProcessorCount))
        for key in ["CPU", "memory", "kernel", "filesystem"] {
            #expect(rows[key].map { !$0.isEmpty && $0 != "unknown" } == true, "\(key): \(rows[key] ?? "missing")")
        }
        #expect(rows["memory"]?.hasSuffix(" GiB") == true)
        #expect(!MachineInfo.describe(dataDirectory: nil).contains { $0.0 == "filesystem" })
    }

    @Test("the data directory's mount is the longest mount point that is a whole-component prefix")
    func mountLookup() {
        let mounts = """
            /dev/vda / ext4 rw 0 0
            tmpfs /work tmpfs rw 0 0
            /dev/vdb /work/data\\040set xfs rw 0 0
            /dev/vdc /work xfs rw 0 0
            """
        #expect(MachineInfo.mount(containing: "/work/data set/kassa", mounts: mounts)?.device == "/dev/vdb")
        #expect(MachineInfo.mount(containing: "/work/other", mounts: mounts)?.device == "/dev/vdc")
        #expect(MachineInfo.mount(containing: "/workspace", mounts: mounts)?.device == "/dev/vda")
        #expect(MachineInfo.mount(containing: "/anything", mounts: "") == nil)
    }

    @Test("missing or unreadable system files give unknown")
    func missingFilesGiveUnknown() {
        #expect(MachineInfo.readText("/nonexistent/cpuinfo") == nil)
        #expect(MachineInfo.cpuModel(cpuinfo: nil) == "unknown")
        #expect(MachineInfo.cpuModel(cpuinfo: "processor\t: 0\nBogoMIPS\t: 50.00\n") == "unknown")
        #expect(MachineInfo.memoryTotal(meminfo: "MemTotal: lots\n") == "unknown")
        #expect(MachineInfo.memoryTotal(meminfo: "MemTotal:       24684084 kB\n") == "23.5 GiB")
        #expect(MachineInfo.osName(osRelease: nil) == "unknown")
        #expect(MachineInfo.osName(osRelease: "NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n") == "Debian GNU/Linux 12 (bookworm)")
        #expect(MachineInfo.filesystem(of: "/tmp", mounts: nil) == "unknown")
    }
}
