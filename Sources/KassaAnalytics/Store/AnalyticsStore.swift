import Foundation
import KassaCore
import Synchronization

/// The analytics copy of the history: aggregates kept current by folding in what the projector
/// wrote to SQLite since the last look. Reports and segmentations take a consistent copy with
/// `facts()`; none of it runs on the writer or holds the projector up.
public final class AnalyticsStore: Sendable {
    private let source: HistorySource
    // Folding is serialized; taking a copy waits for the fold step in progress only.
    private let builder = Mutex(FactsBuilder())
    private let folding = Mutex(())

    /// Opens the history at `path` (`DATA/kassa.sqlite`) read-only; call `refresh()` to load it.
    public init(historyPath path: String) throws {
        source = try HistorySource(path: path)
    }

    /// Folds in everything the history holds beyond what was folded before; answers the journal
    /// position now covered. `progress` hears (covered, target) after each step of a long catch-up.
    @discardableResult
    public func refresh(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        try folding.withLock { _ in
            let target = try source.historySeq()
            var covered = builder.withLock { $0.facts.throughSeq }
            while covered < target {
                let next = min(target, covered + HistorySource.seqSpanMax)
                // In place: a copy taken by a reader meanwhile stays as it was (copy on write).
                try builder.withLock { try source.fold(after: covered, through: next, into: &$0) }
                covered = next
                progress?(covered, target)
            }
            return covered
        }
    }

    /// A consistent copy of the facts as of the last refresh.
    public func facts() -> AnalyticsFacts {
        builder.withLock { $0.facts }
    }
}
