import Foundation
import Testing
import KassaCore
@testable import KassaJournal
import KassaTestSupport

@Suite("Storage: recovery from snapshot and journal, projection, segment removal")
struct StorageTests {
    func options(segmentBytes: Int = 64 << 10) -> Storage.Options {
        var options = Storage.Options()
        options.journal = JournalWriter.Options(segmentBytes: segmentBytes, recordBytesMax: 8192)
        options.limits.receiptIndexMax = 400
        options.projection.pollInterval = .milliseconds(20)
        options.projection.snapshotInterval = .seconds(3600)
        return options
    }

    /// Feeds a random command stream from several concurrent producers; returns how many were
    /// settled.
    func feed(_ storage: Storage, seed: UInt64, producers: Int, each: Int) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for p in 0..<producers {
                group.addTask {
                    var stream = CommandStream(seed: seed &+ UInt64(p) &* 1000)
                    stream.counter = p * 1_000_000
                    var settled = 0
                    for _ in 0..<each {
                        switch await storage.committer.submit(stream.next()) {
                        case .done, .rejected: settled += 1
                        case .unavailable(let why): Issue.record("unavailable: \(why)")
                        }
                    }
                    return settled
                }
            }
            return await group.reduce(0, +)
        }
    }

    func liveLedger(_ storage: Storage) -> Ledger {
        var copy = storage.committer.read { Ledger(copying: $0) }
        _ = copy.takeChanges()
        return copy
    }

    @Test func reopenRebuildsExactlyTheLedgerWithAndWithoutSnapshots() async throws {
        let dir = temporaryDirectory("storage")
        let first = try Storage.open(directory: dir, options: options(), pricing: OnePercentPoints())
        defer { first.stop() }
        #expect(await feed(first, seed: 1, producers: 8, each: 250) == 2000)
        var before = liveLedger(first)
        first.stop()
        let storage = try Storage.open(directory: dir, options: options(), pricing: OnePercentPoints())
        defer { storage.stop() }
        #expect(storage.recovery.lastSeq == before.lastSeq)
        var after = liveLedger(storage)
        #expect(after == before)

        // Snapshot in the middle; more sales; reopen replays only what came after it.
        try storage.projectNow(snapshot: true)
        let segmentsBefore = storage.journal.segments.count
        #expect(await feed(storage, seed: 2, producers: 4, each: 300) == 1200)
        try storage.projectNow(snapshot: true)
        #expect(await feed(storage, seed: 3, producers: 4, each: 100) == 400)
        before = liveLedger(storage)
        #expect(before.lastSeq > 1000)
        let positions = try storage.projection.positions()
        #expect(positions.snapshotSeq > 0 && positions.snapshotSeq < before.lastSeq)
        #expect(storage.journal.segments.count < segmentsBefore + 40, "covered segments are removed")
        #expect(storage.journal.segments.first! <= min(positions.indexFromSeq, positions.snapshotSeq + 1))

        // Reopen without the final snapshot a clean stop writes: copy the files as they are.
        let copy = copyDirectory(dir, label: "storage-copy")
        try? FileManager.default.removeItem(atPath: copy + "/kassa.lock")
        storage.stop()
        for directory in [copy, dir] {
            let reopened = try Storage.open(directory: directory, options: options(), pricing: OnePercentPoints())
            defer { reopened.stop() }
            after = liveLedger(reopened)
            #expect(after.customers == before.customers)
            #expect(after.receipts == before.receipts)
            #expect(after.shifts == before.shifts)
            #expect(after.stats == before.stats)
            #expect(after == before)
            try reopened.projectNow(snapshot: false)
            let history = try reopened.projection.read { db in
                (try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM sales") ?? -1, try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM sale_lines") ?? -1)
            }
            #expect(history.0 == before.stats.receipts)
            #expect(history.1 == before.stats.lines)
            reopened.stop()
        }
    }

    /// `interval` answers after write() and syncs on a timer: with no further commands the
    /// durable position still catches up within a few intervals.
    @Test func intervalDurabilitySyncsOnItsTimer() async throws {
        let dir = temporaryDirectory("interval")
        var opts = options()
        opts.commit.durability = .interval(milliseconds: 20)
        let storage = try Storage.open(directory: dir, options: opts, pricing: OnePercentPoints())
        defer { storage.stop() }
        #expect(await feed(storage, seed: 9, producers: 4, each: 100) == 400)
        let last = storage.committer.read { $0.lastSeq }
        var waited = 0
        while storage.journal.durableSeq < last && waited < 5000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 10
        }
        #expect(storage.journal.durableSeq == last, "the timer must sync what was written")
    }

    @Test func aSecondProcessCannotOpenTheSameDataDirectory() throws {
        let dir = temporaryDirectory("lock")
        let storage = try Storage.open(directory: dir, options: options(), pricing: ListPricing())
        defer { storage.stop() }
        // flock locks belong to the open file description, so a second open in the same
        // process is refused just as another process would be.
        do {
            _ = try Storage.open(directory: dir, options: options(), pricing: ListPricing())
            Issue.record("the data directory must be locked")
        } catch let busy as DataDirectoryBusy {
            #expect(busy.description.contains("pid \(getpid())"))
        }
    }

    @Test func theWriterAppendSyncAndProjectorThreadsCarryTheirNames() throws {
        let dir = temporaryDirectory("names")
        let storage = try Storage.open(directory: dir, options: options(), pricing: ListPricing())
        defer { storage.stop() }
        // What `top -H` shows: each thread's name as the kernel holds it. Set by each thread
        // as it starts, so allow it a moment (up to ten seconds on a busy machine).
        var names: Set<String> = []
        for _ in 0..<1_000 {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            names = Set(tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
                .map { $0.trimmingCharacters(in: .newlines) })
            if names.isSuperset(of: ["kassa-writer", "kassa-append", "kassa-sync", "kassa-projector"]) { break }
            usleep(10_000)
        }
        #expect(names.isSuperset(of: ["kassa-writer", "kassa-append", "kassa-sync", "kassa-projector"]), "threads: \(names.sorted())")
    }

    @Test func aTooLargeChangeIsRefusedAndNothingElseIsHurt() async throws {
        let dir = temporaryDirectory("large")
        let storage = try Storage.open(directory: dir, options: options(), pricing: ListPricing())
        defer { storage.stop() }
        let products = (0..<2000).map { i in
            Product(sku: try! SKU(validating: "P\(i)"), name: String(repeating: "x", count: 20), category: "c", price: 100)
        }
        guard case .rejected(let error) = await storage.committer.submit(.upsertProducts(products)) else {
            Issue.record("a change over journal.record_bytes_max must be refused"); return
        }
        #expect(error.code == .tooLarge)
        guard case .done = await storage.committer.submit(.upsertProducts(Array(products.prefix(10)))) else {
            Issue.record("a small change after it goes through"); return
        }
        #expect(storage.committer.read { $0.lastSeq } == 1)
    }
}

extension Ledger {
    /// A copy for comparison (a plain value copy; the name says why it is taken).
    init(copying other: borrowing Ledger) { self = copy other }
}
