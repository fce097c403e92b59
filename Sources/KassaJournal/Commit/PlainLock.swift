import Glibc

/// A value guarded by a glibc mutex that sleeps as soon as it is contended.
///
/// The standard library's `Mutex` spins on Linux before it sleeps, about a thousand rounds of
/// the processor's pause instruction. On Intel processors since Skylake one pause takes about
/// 140 cycles, so a thread that finds the lock held by a descheduled holder burns tens of
/// microseconds of a core the holder needs. With sixteen submitting threads on two cores that
/// is what happened to the published catalog's read (see docs/performance-log.md).
final class PlainLock<Value: Sendable>: @unchecked Sendable {
    // The mutex lives at a stable heap address for its whole life, as pthreads require.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
