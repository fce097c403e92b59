import NIOCore

/// Runs a worker's task on the event loop that owns its connection. Without it every request
/// crosses threads twice (the task pool writes, the loop reads the answer and wakes the pool),
/// and those wake-ups cost the tool more CPU than the HTTP itself; the CPU it spends is taken
/// from the server it measures.
final class EventLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // From the loop itself this only queues the job for the loop's next turn; from another
        // thread it wakes the loop.
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
