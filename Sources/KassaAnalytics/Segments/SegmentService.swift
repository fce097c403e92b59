import Foundation
import KassaCore
import Synchronization

/// Keeps the segments current: a background thread folds new history into the analytics store
/// and recomputes every customer's segment on a schedule; `recompute` does it on demand. The
/// newest snapshot answers the customer card and `/v1/segments`. Nothing here runs on the writer.
public final class SegmentService: Sendable {
    /// The analytics copy of the history the segments are computed from.
    public let store: AnalyticsStore
    private let options: AnalyticsOptions
    private let clock: @Sendable () -> Timestamp
    private let warn: @Sendable (String) -> Void
    private let published: @Sendable (SegmentSnapshot) -> Void
    private let state = Mutex(State())
    private let computing = Mutex(())
    private let wake = NSCondition()

    private struct State {
        var latest: LatestSegments?
        var numberNext: UInt64 = 1
        var stopping = false
        var running = false
        var lastWarning = ""
    }

    /// A service over `store`; `published` hears each new snapshot (the ClickHouse sink).
    public init(store: AnalyticsStore, options: AnalyticsOptions, clock: @escaping @Sendable () -> Timestamp,
                warn: @escaping @Sendable (String) -> Void, published: @escaping @Sendable (SegmentSnapshot) -> Void = { _ in }) {
        self.store = store
        self.options = options
        self.clock = clock
        self.warn = warn
        self.published = published
    }

    /// The newest snapshot with its lifetime model, or nil before the first one.
    public var latest: LatestSegments? { state.withLock { $0.latest } }

    /// The customer's segment in the newest snapshot.
    public func segment(of card: String) -> CustomerSegment? { latest?.segment(of: card) }

    /// Folds new history and recomputes every segment as of `asOf` (today by default).
    @discardableResult
    public func recompute(asOf: LocalDate? = nil) throws -> LatestSegments {
        try computing.withLock { _ in
            try store.refresh()
            let number = state.withLock { state in
                defer { state.numberNext += 1 }
                return state.numberNext
            }
            let now = clock()
            let (snapshot, values) = Segmentation.compute(store.facts(), asOf: asOf ?? now.localDate, options: options,
                                                          number: number, computedAt: now)
            let latest = LatestSegments(snapshot: snapshot, values: values)
            // An on-demand snapshot for another day does not replace today's on the card.
            if asOf == nil || asOf == now.localDate {
                state.withLock { $0.latest = latest }
                published(snapshot)
            }
            return latest
        }
    }

    /// Starts the schedule: the first computation at once, then every `segmentsIntervalSeconds`.
    public func start() {
        let begin = state.withLock { state -> Bool in
            guard !state.running else { return false }
            state.running = true
            return true
        }
        guard begin else { return }
        let thread = Thread { [self] in run() }
        thread.name = "kassa-segments"
        thread.start()
    }

    /// Stops the schedule; a computation in progress finishes first.
    public func stop() {
        wake.lock()
        state.withLock { $0.stopping = true }
        wake.broadcast()
        wake.unlock()
        computing.withLock { _ in }
    }

    private func run() {
        while !state.withLock({ $0.stopping }) {
            do {
                try recompute()
            } catch {
                let message = "segments could not be computed, will retry: \(error)"
                let repeated = state.withLock { state in
                    defer { state.lastWarning = message }
                    return state.lastWarning == message
                }
                if !repeated { warn(message) }
            }
            wake.lock()
            if !state.withLock({ $0.stopping }) {
                _ = wake.wait(until: Date(timeIntervalSinceNow: Double(options.segmentsIntervalSeconds)))
            }
            wake.unlock()
        }
    }
}

/// A snapshot of segments with the lifetime model fitted for it, and lookups into it.
public struct LatestSegments: Sendable {
    /// Every customer's segment, ordered by card.
    public let snapshot: SegmentSnapshot
    /// The fitted lifetime model (parameters, or why none could be fitted).
    public let values: LifetimeValues
    /// Customers per segment name, every name of `RFM.segments` present.
    public let counts: [String: Int]

    init(snapshot: SegmentSnapshot, values: LifetimeValues) {
        self.snapshot = snapshot
        self.values = values
        var counts = Dictionary(uniqueKeysWithValues: RFM.segments.map { ($0, 0) })
        for row in snapshot.customers { counts[row.segment, default: 0] += 1 }
        self.counts = counts
    }

    /// The customer's row, by binary search over the card order.
    public func segment(of card: String) -> CustomerSegment? {
        let rows = snapshot.customers
        let key = CardOrder(card)
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if CardOrder(rows[mid].card) < key { low = mid + 1 } else { high = mid }
        }
        return low < rows.count && rows[low].card == card ? rows[low] : nil
    }

    /// Up to `limit` customers of `segment` whose card comes after `after` in card order.
    public func members(of segment: String, after: String?, limit: Int) -> [CustomerSegment] {
        let key = after.map(CardOrder.init)
        var found: [CustomerSegment] = []
        var low = 0
        if let key {
            var high = snapshot.customers.count
            while low < high {
                let mid = (low + high) / 2
                if CardOrder(snapshot.customers[mid].card) <= key { low = mid + 1 } else { high = mid }
            }
        }
        for row in snapshot.customers[low...] where row.segment == segment {
            found.append(row)
            if found.count == limit { break }
        }
        return found
    }
}
