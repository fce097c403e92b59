import Foundation

/// One stage of the group commit's pipeline (`GroupCommitter`): a thread of its own that takes
/// every item handed to it so far, works through them in order, then takes the next ones. The
/// writer hands items on, waits for the stage to be idle (before a segment roll, a snapshot or
/// stopping), and stops it.
final class PipelineStage<Item>: @unchecked Sendable {
    private let name: String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var waiting: [Item] = []
    private var busy = false
    private var stopping = false
    private var running = false

    /// A stage whose thread, once started, is called `name`.
    init(name: String) {
        self.name = name
    }

    /// Starts the thread, which passes `work` every run of items waiting, in the order handed.
    /// `work` must not hand items to this stage.
    func start(_ work: @escaping @Sendable ([Item]) -> Void) {
        condition.lock()
        running = true
        condition.unlock()
        let name = self.name
        let thread = Thread { [self] in
            nameThisThread(name)
            run(work)
        }
        thread.name = name
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Queues `item` for the thread.
    func hand(_ item: Item) {
        condition.lock()
        waiting.append(item)
        // A busy thread looks for more before it waits again.
        if !busy { condition.signal() }
        condition.unlock()
    }

    /// Queues `items`, in order, for the thread.
    func hand(contentsOf items: [Item]) {
        condition.lock()
        waiting.append(contentsOf: items)
        if !busy { condition.signal() }
        condition.unlock()
    }

    /// True when nothing is waiting and the thread is not working.
    var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !busy && waiting.isEmpty
    }

    /// Waits until everything handed so far is worked through.
    func drain() {
        condition.lock()
        while busy || !waiting.isEmpty { condition.wait() }
        condition.unlock()
    }

    /// Works through what is waiting, then ends the thread; returns once it has ended (at once
    /// when it never started).
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run(_ work: ([Item]) -> Void) {
        // The arrays trade places, so the handing thread never waits for a copy.
        var items: [Item] = []
        while true {
            condition.lock()
            while waiting.isEmpty && !stopping { condition.wait() }
            if waiting.isEmpty {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            swap(&items, &waiting)
            busy = true
            condition.unlock()

            work(items)
            items.removeAll(keepingCapacity: true)

            condition.lock()
            busy = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
