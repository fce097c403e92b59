import CLibPQ
import Foundation
import Synchronization

/// A thread of its own for one blocking libpq connection. Jobs run on it one at a time, in the
/// order they came, and each resumes its caller with the answer; waiting on the server then holds
/// this thread, never one of the cooperative pool's few.
final class ConnectionThread: @unchecked Sendable {
    /// A session serves one worker at a time, so more queued jobs than this means misuse.
    static let queuedJobsMax = 64
    // Guards `jobs` and `accepting`, which is what makes the class Sendable; the thread waits on it.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var accepting = true

    init(name: String) {
        let thread = Thread { [self] in self.serve() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the thread and answers what it returned or threw.
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let refused = enqueue { continuation.resume(with: Result(catching: body)) }
            if let refused { continuation.resume(throwing: refused) }
        }
    }

    /// Lets the queued jobs finish, then ends the thread. Later jobs are refused.
    func finish() {
        condition.lock()
        accepting = false
        condition.signal()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) -> PostgresError? {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else { return PostgresError(.closed, "the PostgreSQL session is closed") }
        guard jobs.count < Self.queuedJobsMax else {
            return PostgresError(.overloaded, "more than \(Self.queuedJobsMax) calls are waiting on one PostgreSQL session")
        }
        jobs.append(job)
        condition.signal()
        return nil
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && accepting { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
