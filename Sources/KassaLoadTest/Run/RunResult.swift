import Histogram

/// The operations a run measures, in the order reports list them.
public enum OperationKind: String, Sendable, CaseIterable, Comparable {
    case quote, sale, saleReturn = "return", void, lookup, closeShift = "close_shift", enrol

    public static func < (a: OperationKind, b: OperationKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Latency of one operation over the whole run, in nanoseconds, from when it was due (open
/// loop: its arrival; queueing at the tool counts) to its answer.
public struct OperationStats: Sendable {
    public var kind: OperationKind
    public var histogram: Histogram<UInt64>
    /// Refusals and failures by "status code" ("422 payment_mismatch", "transport").
    public var errors: [String: Int]

    public init(kind: OperationKind) {
        self.kind = kind
        histogram = Histogram(lowestDiscernibleValue: 1_000, highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: .three)
        errors = [:]
    }

    public var count: UInt64 { histogram.totalCount }
    public var errorCount: Int { errors.values.reduce(0, +) }

    /// A percentile in milliseconds.
    public func milliseconds(_ percentile: Double) -> Double {
        histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1e6
    }
}

/// One second of a run: what completed in it, per operation.
public struct SecondSample: Sendable {
    public struct Point: Sendable {
        public var count: Int
        public var errors: Int
        /// Milliseconds.
        public var p50: Double
        public var p99: Double
        public var max: Double
    }

    /// Seconds since the measured part of the run began.
    public var second: Int
    public var operations: [OperationKind: Point]
}

/// What the end-of-run check found.
public struct Verification: Sendable {
    /// What the tool was told, summed over every acknowledged answer.
    public var acknowledged: SystemTotals
    /// What the system reports, as the change over the run.
    public var reported: SystemTotals
    /// Each line names a total that differs, with both values; empty when all agree.
    public var mismatches: [String]
    public var passed: Bool { mismatches.isEmpty }
}

/// One target's run: Kassa, or a baseline.
public struct TargetRun: Sendable {
    /// "kassa", "postgres", "sqlite".
    public var target: String
    /// One line on what it is and its durability.
    public var summary: String
    /// "open loop at 1.33 receipts/s" or "closed loop, 80 workers".
    public var mode: String
    /// Seconds of the measured part.
    public var seconds: Double
    /// Sales acknowledged per second over the measured part.
    public var receiptsPerSecond: Double
    public var operations: [OperationStats]
    public var timeline: [SecondSample]
    public var verification: Verification?
    /// CPU seconds this process (the tool) used over the measured part: the tills' own cost,
    /// which on a shared machine is taken from the system measured. A server the tool started
    /// is another process and not in it; the SQLite baseline's database runs in it.
    public var toolCPUSeconds: Double?

    /// The tool's CPU per acknowledged sale, in microseconds.
    public var toolCPUMicrosecondsPerReceipt: Double? {
        guard let toolCPUSeconds, seconds > 0, receiptsPerSecond > 0 else { return nil }
        return toolCPUSeconds / (receiptsPerSecond * seconds) * 1e6
    }

    public func stats(_ kind: OperationKind) -> OperationStats? {
        operations.first { $0.kind == kind }
    }
}

/// Everything the summary table and the HTML report show.
public struct RunReport: Sendable {
    /// The run's settings as (name, value), in display order: profile, seed, rate, duration…
    public var configuration: [(String, String)]
    /// The machine as (name, value): CPU, cores, memory, kernel, disk under the data dir.
    public var machine: [(String, String)]
    /// Kassa first, then the baselines in the order asked for.
    public var runs: [TargetRun]
    /// Wall-clock start of the run, RFC 3339.
    public var startedAt: String

    public init(configuration: [(String, String)], machine: [(String, String)], runs: [TargetRun], startedAt: String) {
        self.configuration = configuration
        self.machine = machine
        self.runs = runs
        self.startedAt = startedAt
    }

    /// Kassa's sales per second divided by each baseline's: ("postgres", 7.4).
    public var ratios: [(String, Double)] {
        guard let kassa = runs.first(where: { $0.target == "kassa" }), kassa.receiptsPerSecond > 0 else { return [] }
        return runs.filter { $0.target != "kassa" && $0.receiptsPerSecond > 0 }.map { ($0.target, kassa.receiptsPerSecond / $0.receiptsPerSecond) }
    }
}
