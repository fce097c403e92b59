import Foundation

/// The plain-text summary printed at the end of `kassa loadtest`: per target, one row per
/// operation with its rate and latency percentiles, the errors by status, the verification, and
/// how Kassa's throughput compares with each baseline's.
///
/// Rendering is a pure function of the report, so the same run always prints the same table and
/// the HTML report can show exactly the same numbers.
public enum SummaryTable {
    /// The whole table, lines joined by newlines and ending in one; nothing is printed.
    public static func render(_ report: RunReport) -> String {
        var lines: [String] = []
        for run in report.runs {
            if !lines.isEmpty { lines.append("") }
            lines += runLines(run)
        }
        let ratios = report.ratios
        if !ratios.isEmpty {
            lines.append("")
            lines += ratios.map { ratioLine(target: $0.0, ratio: $0.1) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func runLines(_ run: TargetRun) -> [String] {
        var lines = [heading(run)]
        if !run.summary.isEmpty { lines.append("  " + run.summary) }
        if let line = toolCPULine(run) { lines.append("  " + line) }
        let rows = [header] + sortedOperations(run).map { cells($0, seconds: run.seconds) }
        lines += aligned(rows).map { "  " + $0 }
        let errors = errorLines(run)
        if !errors.isEmpty {
            lines.append("  errors by status:")
            lines += errors.map { "    " + $0 }
        }
        lines += verificationLines(run.verification).enumerated().map { $0.offset == 0 ? "  " + $0.element : "    " + $0.element }
        return lines
    }

    /// Pads every column to its widest cell: the first (the operation) to the left, the numbers to
    /// the right so that their decimal points line up.
    static func aligned(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }
}

// MARK: - Pieces shared with the HTML report

extension SummaryTable {
    /// Column titles of the per-operation rows; latencies are in milliseconds.
    static let header = ["operation", "count", "errors", "rate/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"]

    /// The percentiles of the latency columns, in the order of `header`.
    static let percentiles: [Double] = [50, 90, 99, 99.9, 100]

    /// "kassa · open loop at 1.33 receipts/s · 60.0 s · 1,234.5 receipts/s"
    static func heading(_ run: TargetRun) -> String {
        "\(run.target) · \(run.mode) · \(decimal(run.seconds, places: 1)) s · \(decimal(run.receiptsPerSecond, places: 1)) receipts/s"
    }

    /// Operations in the order reports list them, whatever order the run recorded them in.
    static func sortedOperations(_ run: TargetRun) -> [OperationStats] {
        run.operations.sorted { $0.kind < $1.kind }
    }

    /// One operation's row, matching `header`. Latencies of an operation that never completed
    /// show as "-" rather than a misleading zero.
    static func cells(_ stats: OperationStats, seconds: Double) -> [String] {
        let rate = seconds > 0 ? decimal(Double(stats.count) / seconds, places: 1) : "-"
        let latencies = percentiles.map { stats.count == 0 ? "-" : decimal(stats.milliseconds($0), places: 3) }
        return [stats.kind.rawValue, grouped(stats.count), grouped(stats.errorCount), rate] + latencies
    }

    /// "sale: 422 payment_mismatch × 3", most frequent status first within each operation.
    static func errorLines(_ run: TargetRun) -> [String] {
        sortedOperations(run).flatMap { stats in
            stats.errors.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\(stats.kind.rawValue): \($0.key) × \(grouped($0.value))" }
        }
    }

    /// "the tool's own CPU: 0.19 cores, 122 µs per receipt", when it was measured.
    static func toolCPULine(_ run: TargetRun) -> String? {
        guard let perReceipt = run.toolCPUMicrosecondsPerReceipt, let cpu = run.toolCPUSeconds else { return nil }
        return "the tool's own CPU: \(decimal(cpu / run.seconds, places: 2)) cores, \(decimal(perReceipt, places: 0)) µs per receipt"
    }

    /// "verification: PASSED", or "verification: FAILED" followed by one line per mismatch.
    static func verificationLines(_ verification: Verification?) -> [String] {
        guard let verification else { return ["verification: not checked"] }
        return verification.passed ? ["verification: PASSED"] : ["verification: FAILED"] + verification.mismatches
    }

    /// "kassa ÷ postgres: 7.4× receipts/s"
    static func ratioLine(target: String, ratio: Double) -> String {
        "kassa ÷ \(target): \(decimal(ratio, places: ratio < 1 ? 2 : 1))× receipts/s"
    }
}

// MARK: - Numbers

extension SummaryTable {
    /// An integer with thousands separators: 12,345.
    static func grouped<Value: BinaryInteger>(_ value: Value) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + groupDigits(Substring(digits))
    }

    /// A number with a fixed count of decimals and thousands separators: 1,234.5.
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "-" }
        let text = String(format: "%.\(places)f", value.magnitude)
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let sign = value < 0 && text.contains(where: { $0 != "0" && $0 != "." }) ? "-" : ""
        return sign + groupDigits(text[..<point]) + text[point...]
    }

    private static func groupDigits(_ digits: Substring) -> String {
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
