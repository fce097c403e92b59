import Foundation
import KassaCore
import KassaJournal
import Metrics
import Prometheus
import Synchronization

/// The service's metrics, through swift-metrics into a Prometheus registry served at `/metrics`.
public final class ServiceMetrics: CommitObserver, @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let batchRecords: Metrics.Recorder
    private let batchBytes: Metrics.Recorder
    private let commitDuration: Metrics.Timer
    private let failures: Metrics.Counter
    private let journalSeq: Metrics.Gauge
    let recoverySeconds: Metrics.Gauge

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
        batchRecords = Metrics.Recorder(label: "kassa_journal_batch_records", factory: factory)
        batchBytes = Metrics.Recorder(label: "kassa_journal_batch_bytes", factory: factory)
        commitDuration = Metrics.Timer(label: "kassa_journal_commit_duration_seconds", factory: factory)
        failures = Metrics.Counter(label: "kassa_journal_failures_total", factory: factory)
        journalSeq = Metrics.Gauge(label: "kassa_journal_seq", factory: factory)
        recoverySeconds = Metrics.Gauge(label: "kassa_recovery_seconds", factory: factory)
    }

    /// The request metrics of one route and method, made once when the route is registered:
    /// building a metric from its label and dimensions on every request cost about 1 % of the
    /// server's CPU under load.
    func route(_ route: String, method: String) -> RouteMetrics {
        RouteMetrics(route: route, method: method, factory: factory)
    }

    /// The Prometheus text, with the Ledger's sizes read now.
    func render(storage: Storage?) -> [UInt8] {
        if let storage {
            let sizes = storage.committer.read { ($0.customers.count, $0.receipts.count, $0.catalog.count) }
            Metrics.Gauge(label: "kassa_ledger_customers", factory: factory).record(sizes.0)
            Metrics.Gauge(label: "kassa_ledger_receipts_held", factory: factory).record(sizes.1)
            Metrics.Gauge(label: "kassa_ledger_products", factory: factory).record(sizes.2)
            Metrics.Gauge(label: "kassa_journal_segments", factory: factory).record(storage.journal.segments.count)
            Metrics.Gauge(label: "kassa_journal_durable_seq", factory: factory).record(Int64(clamping: storage.journal.durableSeq))
            Metrics.Gauge(label: "kassa_ready", factory: factory).record(storage.committer.failed == nil ? 1 : 0)
        }
        return registry.emitToBuffer()
    }

    // MARK: - CommitObserver (writer thread; cheap calls only)

    public func applied(_ entry: LedgerEntry) {}

    public func committed(records: Int, bytes: Int, duration: Duration, lastSeq: UInt64) {
        batchRecords.record(records)
        batchBytes.record(bytes)
        commitDuration.recordNanoseconds(duration.nanoseconds)
        journalSeq.record(Int64(clamping: lastSeq))
    }

    public func failed(_ reason: StorageUnavailable) {
        failures.increment()
    }
}

/// Counts a route's requests by status and records their latency.
final class RouteMetrics: Sendable {
    private let route: String
    private let method: String
    private let factory: PrometheusMetricsFactory
    private let duration: Metrics.Timer
    /// The counter of each status seen so far.
    private let counters = Mutex<[Int: Metrics.Counter]>([:])

    init(route: String, method: String, factory: PrometheusMetricsFactory) {
        self.route = route
        self.method = method
        self.factory = factory
        duration = Metrics.Timer(label: "kassa_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: factory)
    }

    /// Counts one request answered with `status` after `elapsed`.
    func record(status: Int, elapsed: Duration) {
        let counter = counters.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = Metrics.Counter(label: "kassa_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
            counters[status] = counter
            return counter
        }
        counter.increment()
        duration.recordNanoseconds(elapsed.nanoseconds)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds &* 1_000_000_000 &+ components.attoseconds / 1_000_000_000
    }
}
