import Foundation

/// Sends the lane's queued sales every few seconds on a thread of its own, so that sales made
/// while the server was away reach it without the cashier doing anything.
public final class LaneSender: @unchecked Sendable {
    private let lane: Lane
    private let intervalSeconds: Double
    private let stopped = NSCondition()
    private var stopping = false
    private var thread: Thread?

    public init(lane: Lane, intervalSeconds: Double) {
        self.lane = lane
        self.intervalSeconds = max(0.1, intervalSeconds)
    }

    public func start() {
        let thread = Thread { [self] in
            while !waitOrStop() { lane.sendOutbox() }
        }
        thread.name = "kassa.lane.sender"
        self.thread = thread
        thread.start()
    }

    /// Stops after the attempt under way, if any.
    public func stop() {
        stopped.withLock {
            stopping = true
            stopped.broadcast()
        }
    }

    /// Waits one interval; true once stopped.
    private func waitOrStop() -> Bool {
        stopped.withLock {
            if !stopping { _ = stopped.wait(until: Date(timeIntervalSinceNow: intervalSeconds)) }
            return stopping
        }
    }
}
