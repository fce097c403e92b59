import Foundation
import HummingbirdCore
import Logging
import NIOCore

/// The process's limit on open files, which bounds how many connections it can hold.
public enum OpenFileLimit {
    /// Descriptors kept for everything but connections: the journal's segments, the SQLite
    /// files and their journals, event loops, pipes, exports being written, the analytics sink.
    /// An idle service holds about 25.
    public static let reserve = 128

    /// Raises the soft limit on open files to the hard one, as far as the system allows, and
    /// answers the soft limit then in force. A service started from a shell or a unit with the
    /// usual soft limit of 1,024 would otherwise run out near a thousand tills.
    @discardableResult
    public static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The most connections to hold open at once under a limit of `openFiles`: what is left
    /// after `reserve`, and at least 16.
    public static func connectionsMax(openFiles: Int) -> Int {
        max(openFiles - reserve, 16)
    }
}

/// Stops accepting connections while `maximum` are open; the next ones wait in the listen
/// queue until one closes.
///
/// Without it, a listener that reaches the open-file limit fails every `accept` with EMFILE
/// while the connection waits in the queue, and the event loop spins on it at a full core
/// (measured: 100% of one of the two cores with 400 connections under a limit of 256), taking
/// that core from the tills still connected. Holding back instead costs nothing while full.
/// The first time in a minute that the maximum is reached it says so in the log.
public struct ConnectionLimit: AvailableConnectionsDelegate {
    let maximum: Int
    let logger: Logger
    var open = 0
    var lastWarning: NIODeadline?

    public init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    public mutating func connectionOpened() {
        open += 1
        guard open >= maximum else { return }
        let now = NIODeadline.now()
        if let lastWarning, now - lastWarning < .minutes(1) { return }
        lastWarning = now
        logger.warning("""
            all \(maximum) connections in use: new ones wait until one closes \
            (the limit follows the open-file limit; raise it with ulimit -n or LimitNOFILE)
            """)
    }

    public mutating func connectionClosed() {
        open -= 1
    }

    public func isAcceptingNewConnections() -> Bool {
        open < maximum
    }
}
