import KassaAnalytics
import KassaJournal
import Logging

/// The analytics parts of a running server: the analytics copy of the history, the segments
/// kept current on a schedule, and the feed to ClickHouse when one is configured. Started once
/// recovery is done, stopped before the storage is.
final class AnalyticsRuntime: Sendable {
    let store: AnalyticsStore
    let segments: SegmentService

    init(storage: Storage, options: AnalyticsOptions, logger: Logger) throws {
        store = try AnalyticsStore(historyPath: storage.projection.path)
        segments = SegmentService(store: store, options: options, clock: Storage.systemClock,
                                  warn: { logger.warning("\($0)") })
    }

    func start() {
        segments.start()
    }

    func stop() {
        segments.stop()
    }
}
