/// When to try a lost device again: exponential steps from `initialDelayMs`, multiplied by
/// `multiplier` after each failure up to `maxDelayMs`, with no jitter (one till has one device
/// of each kind, so there is no crowd of clients to spread out, and tests can name every step).
///
/// The clock is a value passed in (`nowMs`, monotonic milliseconds). A connection that stayed up
/// for `healthyAfterMs` starts again from the first step when it next fails; one that fails
/// sooner keeps climbing, so a device that drops right after every connect is not hammered.
public struct ReconnectBackoff: Hashable, Sendable {
    /// The steps; defaults suit a USB or serial device on a till.
    public struct Policy: Hashable, Sendable {
        /// The wait after the first failure.
        public var initialDelayMs: Int64
        /// The factor between consecutive waits, at least 1.
        public var multiplier: Int64
        /// The longest wait.
        public var maxDelayMs: Int64
        /// How long a connection must last before the steps start again from the first.
        public var healthyAfterMs: Int64

        /// A policy; values below their minimum (1 ms, factor 1) are raised to it.
        public init(initialDelayMs: Int64 = 100, multiplier: Int64 = 2, maxDelayMs: Int64 = 5_000, healthyAfterMs: Int64 = 10_000) {
            self.initialDelayMs = max(1, initialDelayMs)
            self.multiplier = max(1, multiplier)
            self.maxDelayMs = max(self.initialDelayMs, maxDelayMs)
            self.healthyAfterMs = max(0, healthyAfterMs)
        }
    }

    /// The steps.
    public let policy: Policy
    /// Failures since the last healthy connection.
    public private(set) var failures = 0
    /// When the current connection was made, if one is up.
    public private(set) var connectedAtMs: Int64?

    /// A backoff with no failures yet.
    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// The wait before attempt number `failures + 1`, given `failures` failures before it.
    public func delayMs(afterFailures failures: Int) -> Int64 {
        var delay = policy.initialDelayMs
        for _ in 1..<max(1, failures) {
            guard delay < policy.maxDelayMs else { break }
            let (product, overflow) = delay.multipliedReportingOverflow(by: policy.multiplier)
            delay = overflow ? policy.maxDelayMs : product
        }
        return min(delay, policy.maxDelayMs)
    }

    /// Records a failure (a lost connection or a failed attempt) at `nowMs`; returns how long
    /// to wait before the next attempt.
    public mutating func failed(atMs nowMs: Int64) -> Int64 {
        if let connectedAtMs, nowMs - connectedAtMs >= policy.healthyAfterMs {
            failures = 0
        }
        connectedAtMs = nil
        failures += 1
        return delayMs(afterFailures: failures)
    }

    /// Records a successful connection at `nowMs`.
    public mutating func connected(atMs nowMs: Int64) {
        connectedAtMs = nowMs
    }
}
