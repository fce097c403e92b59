import Foundation
import Synchronization

/// A token bucket per caller: `rate` requests a second on average, bursts up to twice that.
/// Over the limit the request gets 429 with `Retry-After`; nothing is queued.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `rate` 0 turns limiting off.
    init(requestsPerSecond rate: Int) {
        self.rate = Double(rate)
        self.burst = Double(max(1, rate * 2))
    }

    /// Takes one request from `caller`'s bucket; false when it is empty.
    func allow(_ caller: String) -> Bool {
        guard rate > 0 else { return true }
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            var bucket = buckets[caller] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[caller] = bucket
            return allowed
        }
    }
}
