// A child process for the journal's crash and fault tests. It runs the real storage (journal,
// group commit, projector) against a data directory and prints, unbuffered, one line per
// acknowledged command, so a parent that kills it knows exactly what was acknowledged.
//
//   kassa-journal-probe load DIR RUN PRODUCERS      concurrent producers until killed
//   kassa-journal-probe fill DIR -                  DIR on a tiny file system: fill it, then free it
//   kassa-journal-probe fsize DIR LIMIT             journal writes fail past RLIMIT_FSIZE
//   kassa-journal-probe sync DIR COUNT              COUNT sales one by one (run with a failing fdatasync)
//   kassa-journal-probe sqlite DIR -                SQLite's settings as a fresh process gets them
import Foundation
import Glibc
import GRDB
import GRDBSQLite
import KassaCore
import KassaJournal
import KassaTestSupport

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + done, bytes.count - done) }
        if n <= 0 { if errno == EINTR { continue }; exit(3) }
        done += n
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// Storage options that make the crash test roll segments, snapshot and remove segments often.
func probeOptions() -> Storage.Options { probeStorageOptions(snapshotInterval: .milliseconds(150)) }

/// Submits `count` commands of one producer one by one, saying each answer; the fault modes
/// use it and exit without a clean stop, since after a failure nothing more is written.
func submitOneByOne(_ storage: Storage, count: Int) async -> Never {
    var workload = CrashWorkload(run: 1, producer: 0)
    for _ in 0..<count {
        let (k, command) = workload.next()
        switch await storage.committer.submit(command) {
        case .done: say("a 1 0 \(k)")
        case .rejected(let error): fail("rejected \(k): \(error)")
        case .unavailable(let why): say("u 1 0 \(k) \(why.reason) \(why.message)")
        }
    }
    say("failed \(storage.committer.failed?.message ?? "no")")
    exit(0)
}

func open(_ dir: String, options: Storage.Options = probeOptions()) -> Storage {
    do {
        return try Storage.open(directory: dir, options: options, pricing: OnePercentPoints(), clock: { Fixture.morning },
                                warn: { FileHandle.standardError.write(Data(("warning: " + $0 + "\n").utf8)) })
    } catch {
        fail("open failed: \(error)")
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else { fail("usage: kassa-journal-probe load|fill|sync DIR ARG [ARG]") }
let mode = arguments[1]
let directory = arguments[2]

switch mode {
case "load":
    guard arguments.count == 5, let run = Int(arguments[3]), let producers = Int(arguments[4]) else { fail("load DIR RUN PRODUCERS") }
    let storage = open(directory)
    say("ready \(storage.recovery.lastSeq)")
    let done = DispatchSemaphore(value: 0)
    for producer in 0..<producers {
        Task.detached {
            var workload = CrashWorkload(run: run, producer: producer)
            for _ in 0..<99_000 {
                let (k, command) = workload.next()
                switch await storage.committer.submit(command) {
                case .done: say("a \(run) \(producer) \(k)")
                case .rejected(let error): say("x \(run) \(producer) \(k) \(error.code): \(error.message)")
                case .unavailable(let why): say("u \(run) \(producer) \(k) \(why)"); done.signal(); return
                }
            }
            done.signal()
        }
    }
    for _ in 0..<producers { done.wait() }
    storage.stop()

case "fill":
    // DIR is a tiny file system (the test mounts a small tmpfs there). A filler file takes the
    // free space; creating the next preallocated segment then fails with ENOSPC. The command is
    // refused with the Ledger unchanged; once the filler is removed the same command and the
    // ones after it go through. Then the directory is reopened and every acknowledged command
    // checked, here, because the tmpfs vanishes with this process.
    var options = probeOptions()
    options.journal = JournalWriter.Options(segmentBytes: 64 << 10, recordBytesMax: 8 << 10)
    var storage = open(directory, options: options)
    let filler = directory + "/filler"
    let fd = Glibc.open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { fail("create filler: \(errno)") }
    let chunk = [UInt8](repeating: 0xAB, count: 4096)
    while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    guard errno == ENOSPC else { fail("filling stopped with errno \(errno), not ENOSPC") }
    fsync(fd)
    close(fd)
    say("filled")
    var workload = CrashWorkload(run: 1, producer: 0)
    var refusals = 0
    var acked = 0
    var pending: (Int, LedgerCommand)?
    while refusals < 3 {
        let (k, command) = pending ?? workload.next()
        let before = storage.committer.read { copy $0 }
        switch await storage.committer.submit(command) {
        case .done: say("a 1 0 \(k)"); acked += 1; pending = nil
        case .rejected(let error): fail("rejected \(k): \(error)")
        case .unavailable(let why):
            guard why.reason == .outOfSpace else { fail("expected out of space, got \(why)") }
            // Everything but the change set the background snapshot drains (it may run between
            // the copy and this check): sequence, customers, receipts, catalog, shifts, totals.
            let unchanged = storage.committer.read { now in
                now.lastSeq == before.lastSeq && now.customers == before.customers && now.receipts == before.receipts
                    && now.catalog == before.catalog && now.shifts == before.shifts && now.stats == before.stats
            }
            say("full \(k) unchanged=\(unchanged) \(why.message)")
            refusals += 1
            pending = (k, command)
        }
        if acked > 100_000 { fail("the disk never filled up") }
    }
    unlink(filler)
    for _ in 0..<200 {
        let (k, command) = pending ?? workload.next()
        pending = nil
        switch await storage.committer.submit(command) {
        case .done: say("a 1 0 \(k)"); acked += 1
        case .rejected(let error): fail("rejected \(k): \(error)")
        case .unavailable(let why): fail("still unavailable after space returned: \(why)")
        }
    }
    say("resumed")
    storage.stop()
    storage = open(directory, options: options)
    var replay = CrashWorkload(run: 1, producer: 0)
    let lost = storage.committer.read { ledger in
        (0..<acked).filter { _ in !replay.next().command.isRecorded(in: ledger) }.count
    }
    say("verified \(acked) lost \(lost)")
    storage.stop()

case "fsize":
    // A write that fails (here: past RLIMIT_FSIZE, EFBIG, with SIGXFSZ ignored) is an I/O
    // error like any other: nothing in its batch is acknowledged and the writer stops.
    guard let limit = Int(arguments[3]) else { fail("fsize DIR LIMIT") }
    signal(SIGXFSZ, SIG_IGN)
    var options = probeOptions()
    options.journal = JournalWriter.Options(segmentBytes: 256 << 10, recordBytesMax: 8 << 10)
    let storage = open(directory, options: options)
    var limited = rlimit()
    getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited)
    limited.rlim_cur = rlim_t(limit)
    guard setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited) == 0 else { fail("setrlimit: \(errno)") }
    await submitOneByOne(storage, count: 2000)

case "sync":
    guard let count = Int(arguments[3]) else { fail("sync DIR COUNT") }
    let storage = open(directory, options: probeStorageOptions(snapshotInterval: .seconds(3600)))
    await submitOneByOne(storage, count: count)

case "sqlite":
    // The projection store is the process's first use of SQLite, as in `kassa serve`.
    let store: ProjectionStore
    do { store = try ProjectionStore(path: directory + "/kassa.sqlite") } catch { fail("open: \(error)") }
    let connectionMutex = (try? store.read { db in sqlite3_db_mutex(db.sqliteConnection) != nil }) ?? true
    say("tuning \(SQLiteTuning.result) connection-mutex \(connectionMutex) memory-counted \(sqlite3_memory_used())")

default:
    fail("unknown mode \(mode)")
}
