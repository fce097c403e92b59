import Histogram
import Synchronization

/// Latencies and errors as they happen, from every worker: the whole run's histograms per
/// operation, and the current second's, which `tick` turns into a point of the timeline.
final class Recorder: Sendable {
    private struct State {
        var total: [OperationKind: OperationStats] = [:]
        var second: [OperationKind: OperationStats] = [:]
        var timeline: [SecondSample] = []
    }

    private let state = Mutex(State())

    func record(_ kind: OperationKind, nanoseconds: UInt64) {
        state.withLock { state in
            state.total[kind, default: OperationStats(kind: kind)].record(nanoseconds)
            state.second[kind, default: OperationStats(kind: kind)].record(nanoseconds)
        }
    }

    /// A refusal or a failure of `kind`, by what went wrong ("422 payment_mismatch", "transport").
    func error(_ kind: OperationKind, _ what: String, count: Int = 1) {
        state.withLock { state in
            state.total[kind, default: OperationStats(kind: kind)].errors[what, default: 0] += count
            state.second[kind, default: OperationStats(kind: kind)].errors[what, default: 0] += count
        }
    }

    /// Closes the current second as second number `second` and answers its sample.
    @discardableResult
    func tick(second: Int) -> SecondSample {
        state.withLock { state in
            var points: [OperationKind: SecondSample.Point] = [:]
            for (kind, stats) in state.second {
                points[kind] = SecondSample.Point(count: Int(stats.count), errors: stats.errorCount, p50: stats.milliseconds(50),
                                                  p99: stats.milliseconds(99), max: Double(stats.histogram.max) / 1e6)
            }
            let sample = SecondSample(second: second, operations: points)
            state.timeline.append(sample)
            state.second = [:]
            return sample
        }
    }

    var operations: [OperationStats] {
        state.withLock { $0.total.values.sorted { $0.kind < $1.kind } }
    }

    var timeline: [SecondSample] {
        state.withLock { $0.timeline }
    }
}

extension OperationStats {
    mutating func record(_ nanoseconds: UInt64) {
        _ = histogram.record(min(max(nanoseconds, histogram.lowestDiscernibleValue), histogram.highestTrackableValue))
    }
}
