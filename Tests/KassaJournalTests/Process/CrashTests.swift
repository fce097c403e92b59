import Foundation
import Testing
import KassaCore
@testable import KassaJournal
import KassaTestSupport

/// Storage options matching the probe's, for opening its data directory here.
func probeOptions() -> Storage.Options { probeStorageOptions(snapshotInterval: .seconds(3600)) }

/// Acknowledged commands per (run, producer): producers wait for each answer before the next
/// command, so what is acknowledged is always 1...k.
struct Acknowledged {
    var highest: [Int: [Int: Int]] = [:]

    mutating func read(_ lines: [String]) throws {
        for line in lines {
            let parts = line.split(separator: " ")
            switch parts.first {
            case "a":
                let run = Int(parts[1])!, producer = Int(parts[2])!, k = Int(parts[3])!
                let previous = highest[run, default: [:]][producer, default: 0]
                guard k == previous + 1 else { throw FixtureError.unexpected("acks out of order: \(line) after \(previous)") }
                highest[run, default: [:]][producer] = k
            case "x", "u":
                throw FixtureError.unexpected("the child refused a command: \(line)")
            default:
                continue
            }
        }
    }

    var total: Int { highest.values.flatMap(\.values).reduce(0, +) }
}

@Suite("Crash: SIGKILL under load, then recovery", .serialized)
struct CrashTests {
    /// Kills a child that takes commands from 16 concurrent producers at random moments, at least
    /// 20 times, and after each kill recovers the directory and checks: every acknowledged
    /// command is present exactly once, and the customers, shifts and totals equal a reference
    /// recomputed from the acknowledged commands (plus any in-flight command that recovery kept).
    @Test func everyAcknowledgedCommandSurvivesSIGKILLExactlyOnce() throws {
        let dir = temporaryDirectory("crash")
        var acknowledged = Acknowledged()
        // Commands each (run, producer) has in the recovered state: the acknowledged ones and,
        // possibly, the one in flight when the kill came.
        var present: [Int: [Int: Int]] = [:]
        var random = SystemRandomNumberGenerator()
        let kills = 22
        var lastSeq: UInt64 = 0
        for run in 1...kills {
            let child = try ChildProcess(["load", dir, String(run), "16"])
            guard let ready = child.waitForLine(startingWith: "ready", timeout: 60) else {
                child.kill()
                _ = child.finish()
                Issue.record("run \(run): the child did not start: \(child.standardError)")
                return
            }
            #expect(ready == "ready \(lastSeq)", "run \(run): the child recovered to the state the last check saw")
            usleep(UInt32.random(in: 30_000...400_000, using: &random))
            child.kill()
            let status = child.finish()
            #expect(child.process.terminationReason == .uncaughtSignal && status == SIGKILL, "run \(run) ended by itself: \(child.standardError)")
            try acknowledged.read(child.lines)

            // Recover here, the way `kassa serve` would.
            let storage = try Storage.open(directory: dir, options: probeOptions(), pricing: OnePercentPoints(), clock: { Fixture.morning })
            defer { storage.stop() }
            let recovered = storage.committer.read { copy $0 }
            var reference = Ledger(limits: probeOptions().limits)
            for r in 1...run {
                for producer in 0..<16 {
                    var workload = CrashWorkload(run: r, producer: producer)
                    let acked = acknowledged.highest[r]?[producer] ?? 0
                    if r == run {
                        var count = acked
                        var probe = CrashWorkload(run: r, producer: producer)
                        for _ in 0..<acked { _ = probe.next() }
                        if probe.next().command.isRecorded(in: recovered) { count += 1 }
                        present[r, default: [:]][producer] = count
                    }
                    let count = present[r]?[producer] ?? 0
                    #expect(count >= acked)
                    for _ in 0..<count {
                        let (k, command) = workload.next()
                        let found = command.isRecorded(in: recovered)
                        #expect(found, "run \(r) producer \(producer) command \(k) was acknowledged but is lost")
                        guard case .applied = reference.apply(command, at: Fixture.morning, pricing: OnePercentPoints()) else {
                            Issue.record("run \(r) producer \(producer) command \(k) does not apply to the reference")
                            continue
                        }
                    }
                    // The command after the last one present must not be there.
                    let beyond = workload.next().command.isRecorded(in: recovered)
                    #expect(!beyond, "run \(r) producer \(producer): a command after the last one present is there")
                }
            }
            let sameCustomers = recovered.customers == reference.customers
            let sameShifts = recovered.shifts == reference.shifts
            #expect(sameCustomers, "run \(run): customer aggregates differ from the reference")
            #expect(recovered.stats == reference.stats, "run \(run): totals differ")
            #expect(sameShifts, "run \(run): shift totals differ")

            // The history in SQLite holds every sale once.
            try storage.projectNow(snapshot: run % 5 == 0)
            let history = try storage.projection.read { db in
                (try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM sales") ?? -1,
                 try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT id FROM sales GROUP BY id HAVING COUNT(*) > 1)") ?? -1,
                 try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(total), 0) FROM sales") ?? -1)
            }
            #expect(history.0 == reference.stats.receipts)
            #expect(history.1 == 0, "a sale appears twice in the history")
            lastSeq = recovered.lastSeq
        }
        #expect(acknowledged.total > 2000, "the kills came late enough for real load: \(acknowledged.total) acknowledged")
        print("crash test: \(kills) kills, \(acknowledged.total) acknowledged commands, journal at entry \(lastSeq)")
    }
}
