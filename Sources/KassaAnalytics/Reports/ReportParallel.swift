import Dispatch

/// The few report loops that touch millions of facts run in parts on at most `width` threads:
/// each part sums into its own arrays, and the parts are merged in a fixed order, so the result
/// is the same as one thread's. Two threads are enough to answer within the time a report is
/// given on the two-core machine a store runs, and leave the other cores of a bigger server to
/// the tills.
enum ReportParallel {
    /// Threads a report uses at most.
    static let width = 2
    /// Below this many facts a second thread costs more than it saves.
    static let factsPerPartMin = 100_000

    /// The ranges `0..<count` is cut into: one per thread, or one when `count` is small.
    static func parts(_ count: Int) -> [Range<Int>] {
        let partCount = max(1, min(width, count / factsPerPartMin))
        return (0..<partCount).map { part in count * part / partCount..<count * (part + 1) / partCount }
    }

    /// `body` of every part, computed concurrently, in the order of the parts.
    static func map<Result>(_ parts: [Range<Int>], _ body: @Sendable (Range<Int>) -> Result) -> [Result] {
        guard parts.count > 1 else { return parts.map(body) }
        return [Result](unsafeUninitializedCapacity: parts.count) { buffer, initialized in
            // Each iteration initializes its own element and nothing else touches the buffer
            // until `concurrentPerform` has returned, so the writes never race.
            nonisolated(unsafe) let results = buffer
            DispatchQueue.concurrentPerform(iterations: parts.count) { part in
                results.baseAddress.map { ($0 + part).initialize(to: body(parts[part])) }
            }
            initialized = parts.count
        }
    }
}
