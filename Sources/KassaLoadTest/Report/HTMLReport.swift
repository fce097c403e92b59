import Foundation

/// The report of a `kassa loadtest` run as one self-contained HTML page: the settings, the
/// machine, the same per-operation numbers as the terminal table, the verification, and charts
/// of latency and throughput over time and of each operation's latency distribution.
///
/// The page loads nothing from anywhere and runs no script: the charts are inline SVG drawn here,
/// so the file can be mailed, archived and opened offline years later and still show everything.
public enum HTMLReport {
    /// The whole page; every piece of text from the report is escaped for HTML.
    public static func render(_ report: RunReport) -> String {
        var body: [String] = [
            "<h1>Kassa load test</h1>",
            "<p class=\"started\">Started \(escape(report.startedAt))</p>",
            "<h2>Configuration</h2>", keyValueTable(report.configuration),
            "<h2>Machine</h2>", keyValueTable(report.machine),
            "<h2>Results</h2>",
        ]
        body += report.runs.map(results)
        let ratios = report.ratios
        if !ratios.isEmpty {
            body.append("<h2>Kassa against the baselines</h2>")
            body.append(list(ratios.map { SummaryTable.ratioLine(target: $0.0, ratio: $0.1) }, class: "ratios"))
        }
        body += chartSection("Latency over time", report.runs, legend: latencyLegend, chart: LatencyOverTime.chart)
        body += chartSection("Throughput over time", report.runs, legend: throughputLegend, chart: ThroughputOverTime.chart)
        body += chartSection("Latency distribution", report.runs, legend: distributionLegend, chart: LatencyDistribution.chart)
        return page(title: "Kassa load test, \(report.startedAt)", body: body)
    }

    /// `&`, `<`, `>` and both quotes as character references, so that text is safe both between
    /// tags and inside quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

// MARK: - Page and tables

extension HTMLReport {
    /// Kept inline so the page needs nothing beside itself.
    static let stylesheet = """
        body{font:14px/1.4 system-ui,sans-serif;color:#222;margin:24px auto;max-width:820px;padding:0 12px}
        h1{font-size:22px;margin:0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
        h3{font-size:15px;margin:18px 0 4px}p{margin:4px 0}.started,.note{color:#666}
        table{border-collapse:collapse;margin:6px 0}td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}
        th{font-weight:600;border-bottom:1px solid #ccc}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        ul{margin:4px 0;padding-left:20px}.pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}
        .legend{font-size:12px;margin:2px 0}.legend span{margin-right:14px;white-space:nowrap}
        .legend i{display:inline-block;width:18px;margin-right:4px;vertical-align:middle;border-top:3px solid}
        .legend i.dashed{border-top-style:dashed}
        .chart{width:100%;max-width:760px;height:auto;display:block}.chart text{font:11px sans-serif;fill:#444}
        .chart .title{font-weight:600}.chart .grid{stroke:#e6e6e6}.chart .frame{fill:none;stroke:#999}
        """

    static func page(title: String, body: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(stylesheet)
        </style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    static func keyValueTable(_ rows: [(String, String)]) -> String {
        let cells = rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }
        return "<table class=\"pairs\">\n" + cells.joined(separator: "\n") + "\n</table>"
    }

    static func list(_ items: [String], class name: String) -> String {
        "<ul class=\"\(name)\">" + items.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
    }

    /// One target run: heading, the per-operation table of the terminal summary, the errors by
    /// status and the verification.
    static func results(_ run: TargetRun) -> String {
        var parts = [
            "<h3>\(escape(run.target)) · \(escape(run.mode))</h3>",
            run.summary.isEmpty ? "" : "<p class=\"note\">\(escape(run.summary))</p>",
            SummaryTable.toolCPULine(run).map { "<p class=\"note\">\(escape($0))</p>" } ?? "",
            "<p>\(SummaryTable.decimal(run.seconds, places: 1)) s measured · "
                + "<strong>\(SummaryTable.decimal(run.receiptsPerSecond, places: 1)) receipts/s</strong></p>",
            operationsTable(run),
        ]
        let errors = SummaryTable.errorLines(run)
        if !errors.isEmpty { parts += ["<p>Errors by status</p>", list(errors, class: "errors")] }
        parts.append(verification(run.verification))
        return parts.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    static func operationsTable(_ run: TargetRun) -> String {
        func row(_ cells: [String], tag: String) -> String {
            let html = cells.enumerated().map { column, cell in
                "<\(tag)\(column == 0 ? "" : " class=\"n\"")>\(escape(cell))</\(tag)>"
            }
            return "<tr>" + html.joined() + "</tr>"
        }
        let rows = SummaryTable.sortedOperations(run).map { row(SummaryTable.cells($0, seconds: run.seconds), tag: "td") }
        return "<table class=\"operations\">\n" + ([row(SummaryTable.header, tag: "th")] + rows).joined(separator: "\n") + "\n</table>"
    }

    /// The verdict, each mismatch, and the totals both sides gave, so a failure can be read
    /// without rerunning anything.
    static func verification(_ verification: Verification?) -> String {
        guard let verification else { return "<p class=\"note\">Verification: not checked</p>" }
        guard !verification.passed else { return "<p class=\"pass\">Verification PASSED</p>" + totalsTable(verification) }
        return "<p class=\"fail\">Verification FAILED</p>" + list(verification.mismatches, class: "mismatches")
            + totalsTable(verification)
    }

    static func totalsTable(_ verification: Verification) -> String {
        let told = verification.acknowledged, reported = verification.reported
        let rows: [(String, Int64, Int64)] = [
            ("receipts", told.receipts, reported.receipts), ("revenue", told.revenue, reported.revenue),
            ("points earned", told.pointsEarned, reported.pointsEarned), ("points spent", told.pointsSpent, reported.pointsSpent),
            ("returns", told.returns, reported.returns), ("voids", told.voids, reported.voids),
        ]
        let cells = rows.map { name, told, reported in
            "<tr><td>\(name)</td><td class=\"n\">\(SummaryTable.grouped(told))</td><td class=\"n\">\(SummaryTable.grouped(reported))</td></tr>"
        }
        let header = "<tr><th>total</th><th class=\"n\">acknowledged</th><th class=\"n\">reported</th></tr>"
        return "\n<table class=\"totals\">\n" + ([header] + cells).joined(separator: "\n") + "\n</table>"
    }
}

// MARK: - Chart sections and legends

extension HTMLReport {
    /// One heading, then per target run its name, its legend and its chart.
    static func chartSection(_ title: String, _ runs: [TargetRun], legend: (TargetRun) -> String,
                             chart: (TargetRun) -> SVGChart) -> [String] {
        ["<h2>\(escape(title))</h2>"] + runs.map { run in
            "<h3>\(escape(run.target))</h3>\n" + legend(run) + "\n" + chart(run).render()
        }
    }

    /// A fixed colour for each operation, so the same operation looks the same in every chart.
    static func colour(_ kind: OperationKind) -> String {
        switch kind {
        case .quote: "#1f77b4"
        case .sale: "#2ca02c"
        case .saleReturn: "#ff7f0e"
        case .void: "#9467bd"
        case .lookup: "#8c564b"
        case .closeShift: "#e377c2"
        case .enrol: "#17becf"
        }
    }

    static let errorColour = "#d62728"

    static func legend(_ entries: [(label: String, colour: String, dashed: Bool)]) -> String {
        let spans = entries.map { entry in
            "<span><i\(entry.dashed ? " class=\"dashed\"" : "") style=\"border-color:\(entry.colour)\"></i>\(escape(entry.label))</span>"
        }
        return "<div class=\"legend\">" + spans.joined() + "</div>"
    }

    static func latencyLegend(_ run: TargetRun) -> String {
        legend(LatencyOverTime.kinds(run).map { ($0.rawValue, colour($0), false) }
            + [("p50 (solid)", "#444", false), ("p99 (dashed)", "#444", true)])
    }

    static func throughputLegend(_ run: TargetRun) -> String {
        legend([("sales/s", colour(.sale), false), ("errors/s, all operations", errorColour, false)])
    }

    static func distributionLegend(_ run: TargetRun) -> String {
        legend(LatencyDistribution.operations(run).map { ($0.kind.rawValue, colour($0.kind), false) })
    }
}

// MARK: - The three charts

extension HTMLReport {
    /// p50 and p99 of each operation, second by second, on a logarithmic millisecond axis.
    enum LatencyOverTime {
        static func kinds(_ run: TargetRun) -> [OperationKind] {
            OperationKind.allCases.filter { kind in run.timeline.contains { ($0.operations[kind]?.count ?? 0) > 0 } }
        }

        static func chart(_ run: TargetRun) -> SVGChart {
            var series: [SVGChart.Series] = []
            for kind in kinds(run) {
                for (dashed, percentile) in [(false, \SecondSample.Point.p50), (true, \SecondSample.Point.p99)] {
                    let points = timelinePoints(run) { sample -> Double? in
                        guard let point = sample.operations[kind], point.count > 0, point[keyPath: percentile] > 0 else { return nil }
                        return point[keyPath: percentile]
                    }
                    series.append(SVGChart.Series(colour: colour(kind), dashed: dashed, points: points))
                }
            }
            let values = series.flatMap { $0.points.compactMap { $0?.y } }
            return SVGChart(title: "\(run.target): p50 and p99 latency per second", xAxis: secondsAxis(run), xLabel: "seconds",
                            yAxis: .logarithmic(covering: values), yLabel: "latency (ms)", series: series)
        }
    }

    /// Sales completed and errors of all operations, second by second.
    enum ThroughputOverTime {
        static func chart(_ run: TargetRun) -> SVGChart {
            let sales = timelinePoints(run) { Double($0.operations[.sale]?.count ?? 0) }
            let errors = timelinePoints(run) { Double($0.operations.values.reduce(0) { $0 + $1.errors }) }
            let highest = (sales + errors).compactMap { $0?.y }.max() ?? 0
            return SVGChart(title: "\(run.target): completed sales and errors per second", xAxis: secondsAxis(run), xLabel: "seconds",
                            yAxis: .linear(upTo: highest), yLabel: "per second",
                            series: [.init(colour: colour(.sale), dashed: false, points: sales),
                                     .init(colour: errorColour, dashed: false, points: errors)])
        }
    }

    /// HdrHistogram's classic percentile plot: latency against percentile, the percentile axis
    /// stretched as 1/(1−p) on a log scale so that the tail gets as much room as the median.
    enum LatencyDistribution {
        /// Percentile steps per halving of the distance to 100 %; five draws a smooth curve in
        /// about five points per doubling of the count, a few hundred at most.
        static let ticksPerHalfDistance = 5

        static func operations(_ run: TargetRun) -> [OperationStats] {
            SummaryTable.sortedOperations(run).filter { $0.count > 0 }
        }

        static func chart(_ run: TargetRun) -> SVGChart {
            let measured = operations(run)
            let xAxis = ChartAxis.percentile(forCount: measured.map(\.count).max() ?? 0)
            let series = measured.map { stats in
                let points = stats.histogram.percentiles(ticksPerHalfDistance: ticksPerHalfDistance).map { step in
                    SVGChart.Point(x: ChartAxis.percentilePosition(step.percentileLevelIteratedTo, upTo: xAxis.upper),
                                   y: Double(step.value) / 1e6)
                }
                return SVGChart.Series(colour: colour(stats.kind), dashed: false, points: points)
            }
            let values = series.flatMap { $0.points.compactMap { $0?.y } }
            return SVGChart(title: "\(run.target): latency by percentile over the whole run", xAxis: xAxis, xLabel: "percentile",
                            yAxis: .logarithmic(covering: values), yLabel: "latency (ms)", series: series)
        }
    }

    /// One point per timeline second, with a gap (nil) where `value` has none or where seconds
    /// are missing from the timeline, so that a line never bridges a pause it did not measure.
    static func timelinePoints(_ run: TargetRun, _ value: (SecondSample) -> Double?) -> [SVGChart.Point?] {
        var points: [SVGChart.Point?] = []
        var previous: Int?
        for sample in run.timeline.sorted(by: { $0.second < $1.second }) {
            if let previous, sample.second > previous + 1 { points.append(nil) }
            previous = sample.second
            points.append(value(sample).map { SVGChart.Point(x: Double(sample.second), y: $0) })
        }
        return points
    }

    static func secondsAxis(_ run: TargetRun) -> ChartAxis {
        .linear(upTo: Double(run.timeline.map(\.second).max() ?? 0))
    }
}

// MARK: - Axes

extension HTMLReport {
    /// Where a value falls along one side of a chart, and which values carry a labelled tick.
    struct ChartAxis {
        var lower: Double
        var upper: Double
        var logarithmic: Bool
        var ticks: [(value: Double, label: String)]

        /// 0 at `lower`, 1 at `upper`; values beyond the ends are drawn on the edge.
        func fraction(_ value: Double) -> Double {
            let fraction = logarithmic
                ? (log10(Swift.max(value, lower)) - log10(lower)) / (log10(upper) - log10(lower))
                : (value - lower) / (upper - lower)
            return Swift.min(Swift.max(fraction, 0), 1)
        }

        /// From 0 to `highest` rounded up to a whole step of 1, 2 or 5 times a power of ten,
        /// with about five ticks.
        static func linear(upTo highest: Double) -> ChartAxis {
            let span = highest > 0 && highest.isFinite ? highest : 1
            let rough = span / 5
            let magnitude = pow(10, floor(log10(rough)))
            let step = ([1.0, 2, 5, 10].first { $0 * magnitude >= rough } ?? 10) * magnitude
            let upper = (span / step).rounded(.up) * step
            let ticks = stride(from: 0, through: upper + step / 2, by: step).map { ($0, label($0)) }
            return ChartAxis(lower: 0, upper: upper, logarithmic: false, ticks: ticks)
        }

        /// Whole decades around the positive `values`, a tick at each power of ten, and at 2 and 5
        /// times it as well when the axis spans two decades or fewer.
        static func logarithmic(covering values: [Double]) -> ChartAxis {
            let positive = values.filter { $0 > 0 && $0.isFinite }
            let lowestDecade = floor(log10(positive.min() ?? 0.1))
            let highestDecade = Swift.max(ceil(log10(positive.max() ?? 10)), lowestDecade + 1)
            let multiples: [Double] = highestDecade - lowestDecade <= 2 ? [1, 2, 5] : [1]
            var ticks: [(Double, String)] = []
            for decade in stride(from: lowestDecade, through: highestDecade, by: 1) {
                for multiple in multiples where decade < highestDecade || multiple == 1 {
                    let value = multiple * pow(10, decade)
                    ticks.append((value, label(value)))
                }
            }
            return ChartAxis(lower: pow(10, lowestDecade), upper: pow(10, highestDecade), logarithmic: true, ticks: ticks)
        }

        /// Position log10(1/(1−p)): 0 at 0 %, 1 at 90 %, 2 at 99 %… Wide enough to reach 99.99 %,
        /// and further when there are enough values to say something about 99.999 % or beyond.
        static func percentile(forCount count: UInt64) -> ChartAxis {
            let nines = Swift.min(Swift.max(4, log10(Double(Swift.max(count, 1))).rounded(.up)), 6)
            let ticks: [(Double, String)] = [(log10(2), "50 %"), (1, "90 %"), (2, "99 %"), (3, "99.9 %"), (4, "99.99 %"),
                                             (5, "99.999 %"), (6, "99.9999 %")]
            return ChartAxis(lower: 0, upper: nines, logarithmic: false, ticks: ticks.filter { $0.0 <= nines })
        }

        /// Where a percentile (0…100) falls on the `percentile(forCount:)` axis; 100 % itself,
        /// infinitely far out, is drawn at the axis's end.
        static func percentilePosition(_ percentile: Double, upTo upper: Double) -> Double {
            percentile >= 100 ? upper : Swift.min(log10(100 / (100 - Swift.max(percentile, 0))), upper)
        }

        /// "0.5", "1.5", "20", "100000": no trailing zeros, and no exponent for whole numbers.
        static func label(_ value: Double) -> String {
            value == value.rounded() ? String(format: "%.0f", value) : String(format: "%g", value)
        }
    }
}

// MARK: - Drawing

extension HTMLReport {
    /// A line chart drawn as inline SVG: a frame, labelled ticks with grid lines, axis titles and
    /// one path per series.
    struct SVGChart {
        struct Point {
            var x: Double
            var y: Double
        }

        struct Series {
            var colour: String
            var dashed: Bool
            /// nil breaks the line.
            var points: [Point?]
        }

        var title: String
        var xAxis: ChartAxis
        var xLabel: String
        var yAxis: ChartAxis
        var yLabel: String
        var series: [Series]

        static let width = 760.0, height = 250.0
        static let left = 56.0, right = 30.0, top = 24.0, bottom = 38.0
        static let plotWidth = width - left - right, plotHeight = height - top - bottom

        func render() -> String {
            var parts = [
                "<svg class=\"chart\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-label=\"\(escape(title))\">",
                "<text class=\"title\" x=\"\(n(Self.left))\" y=\"15\">\(escape(title))</text>",
            ]
            parts += yTicks() + xTicks()
            parts.append("<rect class=\"frame\" x=\"\(n(Self.left))\" y=\"\(n(Self.top))\" width=\"\(n(Self.plotWidth))\" height=\"\(n(Self.plotHeight))\"/>")
            parts += series.compactMap(path)
            if series.allSatisfy({ $0.points.allSatisfy { $0 == nil } }) {
                parts.append("<text x=\"\(n(Self.left + Self.plotWidth / 2))\" y=\"\(n(Self.top + Self.plotHeight / 2))\" text-anchor=\"middle\">no samples</text>")
            }
            parts.append("<text x=\"\(n(Self.left + Self.plotWidth / 2))\" y=\"\(n(Self.height - 4))\" text-anchor=\"middle\">\(escape(xLabel))</text>")
            let middle = Self.top + Self.plotHeight / 2
            parts.append("<text transform=\"rotate(-90 12 \(n(middle)))\" x=\"12\" y=\"\(n(middle))\" text-anchor=\"middle\">\(escape(yLabel))</text>")
            parts.append("</svg>")
            return parts.joined(separator: "\n")
        }

        func x(_ value: Double) -> Double { Self.left + xAxis.fraction(value) * Self.plotWidth }
        func y(_ value: Double) -> Double { Self.top + (1 - yAxis.fraction(value)) * Self.plotHeight }

        func yTicks() -> [String] {
            yAxis.ticks.map { tick in
                let at = n(y(tick.value))
                return "<line class=\"grid\" x1=\"\(n(Self.left))\" x2=\"\(n(Self.left + Self.plotWidth))\" y1=\"\(at)\" y2=\"\(at)\"/>"
                    + "<text x=\"\(n(Self.left - 5))\" y=\"\(n(y(tick.value) + 4))\" text-anchor=\"end\">\(escape(tick.label))</text>"
            }
        }

        func xTicks() -> [String] {
            xAxis.ticks.map { tick in
                let at = n(x(tick.value))
                return "<line class=\"grid\" x1=\"\(at)\" x2=\"\(at)\" y1=\"\(n(Self.top))\" y2=\"\(n(Self.top + Self.plotHeight))\"/>"
                    + "<text x=\"\(at)\" y=\"\(n(Self.top + Self.plotHeight + 14))\" text-anchor=\"middle\">\(escape(tick.label))</text>"
            }
        }

        /// A lone point between gaps gets a zero-length stroke, which the round cap shows as a dot.
        func path(_ series: Series) -> String? {
            var commands = ""
            var runLength = 0
            for point in series.points + [nil] {
                guard let point else {
                    if runLength == 1 { commands += "h0" }
                    runLength = 0
                    continue
                }
                commands += (runLength == 0 ? "M" : "L") + n(x(point.x)) + "," + n(y(point.y))
                runLength += 1
            }
            guard !commands.isEmpty else { return nil }
            let dash = series.dashed ? " stroke-dasharray=\"5 3\"" : ""
            return "<path d=\"\(commands)\" fill=\"none\" stroke=\"\(series.colour)\" stroke-width=\"1.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"\(dash)/>"
        }

        /// A coordinate to a tenth of a pixel, which is finer than any screen shows.
        func n(_ value: Double) -> String { String(format: "%.1f", value) }
    }
}
