import Foundation

/// Sends the lane's queued sales every few seconds on a thread of its own, so that sales made
/// while the server was away reach it without the cashier doing anything, and fetches the
/// catalog and rules again every `catalogRefreshSeconds` so the lane's prices follow the
/// server's through the day.
public final class LaneSender: @unchecked Sendable {
    private let lane: Lane
    private let intervalSeconds: Double
    private let catalogRefreshSeconds: Double
    private let stopped = NSCondition()
    private var stopping = false
    private var thread: Thread?

    public init(lane: Lane, intervalSeconds: Double, catalogRefreshSeconds: Double = 300) {
        self.lane = lane
        self.intervalSeconds = max(0.1, intervalSeconds)
        self.catalogRefreshSeconds = max(1, catalogRefreshSeconds)
    }

    public func start() {
        let thread = Thread { [self] in
            var fetched = Date()
            while !waitOrStop() {
                lane.sendOutbox()
                if Date().timeIntervalSince(fetched) >= catalogRefreshSeconds {
                    lane.refreshCatalog()
                    fetched = Date()
                }
            }
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
