import KassaDevices
import Testing

/// Reconnect steps with the clock passed in as a value: doubling, capped, and back to the first
/// step only after a connection stayed up for the healthy period.
@Suite struct ReconnectBackoffTests {
    let policy = ReconnectBackoff.Policy(initialDelayMs: 100, multiplier: 2, maxDelayMs: 1_000, healthyAfterMs: 5_000)

    @Test func failuresDoubleTheWaitUpToTheCap() {
        var backoff = ReconnectBackoff(policy: policy)
        let waits = (0..<7).map { backoff.failed(atMs: Int64($0) * 10) }
        #expect(waits == [100, 200, 400, 800, 1_000, 1_000, 1_000])
    }

    @Test func aHealthyConnectionStartsTheStepsAgain() {
        var backoff = ReconnectBackoff(policy: policy)
        _ = backoff.failed(atMs: 0)
        _ = backoff.failed(atMs: 100)
        backoff.connected(atMs: 400)
        #expect(backoff.failed(atMs: 5_400) == 100)
    }

    @Test func aConnectionThatDropsSoonKeepsClimbing() {
        var backoff = ReconnectBackoff(policy: policy)
        _ = backoff.failed(atMs: 0)
        _ = backoff.failed(atMs: 100)
        backoff.connected(atMs: 400)
        #expect(backoff.failed(atMs: 900) == 400)
        backoff.connected(atMs: 1_300)
        #expect(backoff.failed(atMs: 1_400) == 800)
    }

    @Test func hugeStepsStopAtTheCapWithoutOverflowing() {
        let steep = ReconnectBackoff(policy: .init(initialDelayMs: 1, multiplier: Int64.max, maxDelayMs: Int64.max - 1))
        #expect(steep.delayMs(afterFailures: 3) == Int64.max - 1)
        #expect(ReconnectBackoff(policy: policy).delayMs(afterFailures: 1_000) == 1_000)
    }
}
