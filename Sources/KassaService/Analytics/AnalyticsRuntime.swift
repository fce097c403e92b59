import KassaAnalytics
import KassaJournal
import Logging

/// The analytics parts of a running server: the analytics copy of the history, the segments
/// kept current on a schedule, and the feed to ClickHouse when `analytics.clickhouse_url` is
/// set. Started once recovery is done, stopped before the storage is.
final class AnalyticsRuntime: Sendable {
    let store: AnalyticsStore
    let segments: SegmentService
    /// The ClickHouse feed, or nil (the embedded default needs none).
    let sink: ClickHouseSink?

    init(storage: Storage, options: AnalyticsOptions, logger: Logger) throws {
        store = try AnalyticsStore(historyPath: storage.projection.path)
        let sink = options.clickHouseURL.isEmpty ? nil : ClickHouseSink(store: storage.projection, options: options,
                                                                        warn: { logger.warning("\($0)") })
        self.sink = sink
        segments = SegmentService(store: store, options: options, clock: Storage.systemClock,
                                  warn: { logger.warning("\($0)") }, published: { sink?.publish($0) })
    }

    func start() {
        sink?.start()
        segments.start()
    }

    func stop() {
        segments.stop()
        sink?.stop()
    }
}
