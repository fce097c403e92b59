import Foundation
import Testing
import KassaCore
@testable import KassaJournal
import KassaTestSupport

@Suite("Journal faults: out of space, failed fsync", .serialized)
struct FaultTests {
    /// Commands `acknowledged` in the probe's output (run 1, producer 0) must all be in `dir`.
    func expectAllPresent(_ acked: Int, in dir: String) throws {
        let storage = try Storage.open(directory: dir, options: probeOptions(), pricing: OnePercentPoints(), clock: { Fixture.morning })
        defer { storage.stop() }
        var workload = CrashWorkload(run: 1, producer: 0)
        try storage.committer.read { ledger in
            for _ in 0..<acked {
                let (k, command) = workload.next()
                guard command.isRecorded(in: ledger) else { throw FixtureError.unexpected("acknowledged command \(k) is lost") }
            }
        }
    }

    func ackCount(_ lines: [String]) -> Int { lines.filter { $0.hasPrefix("a ") }.count }

    /// A tiny file system (a 4 MiB tmpfs mounted in a private user and mount namespace, so no
    /// privileges are needed) is filled up: the next segment cannot be created, the command is
    /// refused with the Ledger unchanged, and once space is freed the same command and the ones
    /// after it go through. The probe checks the reopened directory itself, because the tmpfs
    /// vanishes with its namespace.
    @Test func fullDiskRefusesWithStateUnchangedAndResumesWhenSpaceReturns() throws {
        let dir = temporaryDirectory("full")
        let script = "mount -t tmpfs -o size=4m kassa-test \"$1\" && exec \"$2\" fill \"$1\" -"
        let child = try ChildProcess(["--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", dir, ChildProcess.probePath],
                                     executable: "/usr/bin/unshare")
        let status = child.finish()
        let lines = child.lines
        #expect(status == 0, "probe failed: \(child.standardError)")
        #expect(lines.first == "filled")
        let refusals = lines.filter { $0.hasPrefix("full ") }
        #expect(refusals.count == 3)
        #expect(refusals.allSatisfy { $0.contains("unchanged=true") && $0.contains("disk is full") })
        // The refused command was retried and acknowledged once, in order.
        var acked = Acknowledged()
        try acked.read(lines)
        let total = acked.highest[1]?[0] ?? 0
        #expect(total == ackCount(lines))
        #expect(total > 200)
        #expect(lines.contains("resumed"))
        #expect(lines.last == "verified \(total) lost 0")
    }

    /// A journal write that fails (past RLIMIT_FSIZE) is never acknowledged and stops the writer;
    /// a restart recovers every acknowledged command.
    @Test func failedWriteStopsTheWriterAndNothingAcknowledgedIsLost() throws {
        let dir = temporaryDirectory("fsize")
        let child = try ChildProcess(["fsize", dir, String(48 << 10)])
        let status = child.finish()
        let lines = child.lines
        #expect(status == 0, "probe failed: \(child.standardError)")
        guard let firstRefusal = lines.firstIndex(where: { $0.hasPrefix("u ") }) else {
            Issue.record("no command was refused after the write failed")
            return
        }
        #expect(lines[firstRefusal...].filter { $0.hasPrefix("a ") }.isEmpty)
        #expect(lines[firstRefusal].contains("File too large"))
        #expect(lines.last?.contains("page cache cannot be trusted") == true)
        let acked = ackCount(lines)
        #expect(acked > 10)
        try expectAllPresent(acked, in: dir)
    }

    /// fdatasync fails (EIO) after some calls: nothing waiting on the failed sync is
    /// acknowledged, every later command is refused, and a restart recovers every command that
    /// was acknowledged.
    @Test func failedFsyncStopsTheWriterAndNothingAcknowledgedIsLost() throws {
        let shim = try buildFailingSyncShim()
        let dir = temporaryDirectory("fsync")
        let child = try ChildProcess(["sync", dir, "60"], environment: ["LD_PRELOAD": shim, "KASSA_FAIL_FDATASYNC_AFTER": "25"])
        let status = child.finish()
        let lines = child.lines
        #expect(status == 0, "probe failed: \(child.standardError)")
        guard let firstRefusal = lines.firstIndex(where: { $0.hasPrefix("u ") }) else {
            Issue.record("no command was refused after fdatasync failed: \(lines)")
            return
        }
        // After the first refusal nothing is acknowledged again, and the reason is the failure.
        let after = lines[firstRefusal...].filter { $0.hasPrefix("a ") }
        #expect(after.isEmpty)
        #expect(lines[firstRefusal...].filter { $0.hasPrefix("u ") }.allSatisfy { $0.contains("failed") })
        #expect(lines.last?.contains("page cache cannot be trusted") == true)
        #expect(lines[firstRefusal].contains("fdatasync"))
        let acked = ackCount(lines)
        #expect(acked > 0 && acked < 25)
        try expectAllPresent(acked, in: dir)
    }
}
