import Foundation
import Testing
import KassaCore
@testable import KassaJournal
import KassaTestSupport

@Suite("kassa wal verify", .serialized)
struct WalVerifyTests {
    static var kassaPath: String {
        URL(fileURLWithPath: ChildProcess.probePath).deletingLastPathComponent().appendingPathComponent("kassa").path
    }

    func verify(_ data: String) throws -> (status: Int32, output: [String]) {
        let child = try ChildProcess(["wal", "verify", "--data", data, "--verbose"], executable: WalVerifyTests.kassaPath)
        let status = child.finish()
        return (status, child.lines)
    }

    /// A data directory with a few hundred journaled commands.
    func makeData() async throws -> String {
        let dir = temporaryDirectory("verify")
        let storage = try Storage.open(directory: dir, options: probeOptions(), pricing: OnePercentPoints(), clock: { Fixture.morning })
        var workload = CrashWorkload(run: 1, producer: 0)
        for _ in 0..<300 {
            guard case .done = await storage.committer.submit(workload.next().command) else { throw FixtureError.unexpected("refused") }
        }
        storage.stop()
        return dir
    }

    @Test func reportsCleanTornAndCorruptJournalsWithTheRightExitStatus() async throws {
        let dir = try await makeData()
        let clean = try verify(dir)
        #expect(clean.status == 0)
        #expect(clean.output.contains("300 records, entries 1 to 300") || clean.output.contains { $0.hasSuffix("300 records, entries 1 to 300") })
        #expect(clean.output.last == "clean")

        // A torn tail: reported, exit 0, and start-up cuts the same place.
        let torn = copyDirectory(dir, label: "verify-torn")
        let segment = segmentFiles(torn + "/journal").last!
        let last = try recordOffsets(segment).last!
        try patch(segment, at: last.offset + last.size - 3, [0x55])
        let tornReport = try verify(torn)
        #expect(tornReport.status == 0)
        #expect(tornReport.output.contains { $0.hasPrefix("torn tail in \(segment) at byte \(last.offset)") })

        // A flipped bit in the middle: exit 1 with the same file and offset start-up names.
        let broken = copyDirectory(dir, label: "verify-bad")
        let brokenSegment = segmentFiles(broken + "/journal").last!
        let victim = try recordOffsets(brokenSegment)[5]
        try patch(brokenSegment, at: victim.offset + 17, [0xFF, 0x00, 0xFF])
        let bad = try verify(broken)
        #expect(bad.status == 1)
        #expect(bad.output.last?.hasPrefix("CORRUPT: \(brokenSegment) at byte \(victim.offset): record checksum mismatch") == true)
        do {
            _ = try Storage.open(directory: broken, options: probeOptions(), pricing: OnePercentPoints())
            Issue.record("start-up must stop on a damaged journal")
        } catch let corruption as JournalCorruption {
            #expect(corruption.path == brokenSegment && corruption.offset == victim.offset)
            #expect(corruption.description.contains("kassa wal verify"))
        }
        // A directory without a journal: exit 2.
        #expect(try verify(temporaryDirectory("verify-none")).status == 2)
    }

    /// Segments are read mapped, so one cut shorter under the reader (a service starting on the
    /// directory cuts a torn tail) raises SIGBUS: the command says so and exits 2 instead of
    /// dying of the signal. The segment here is a named pipe, which holds the command inside
    /// the scan (opening it waits for a writer) while the signal is sent.
    @Test func aSegmentCutWhileReadEndsWithAMessageAndExitStatus2() throws {
        let dir = temporaryDirectory("verify-bus")
        try FileManager.default.createDirectory(atPath: dir + "/journal", withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/journal/" + SegmentFormat.fileName(firstSeq: 1), 0o600) == 0)
        let child = try ChildProcess(["wal", "verify", "--data", dir], executable: WalVerifyTests.kassaPath)
        // Signalled once one of its threads waits in the pipe's open, inside the scan (by then
        // the handler is in place: it is set before the scan starts).
        let pid = child.process.processIdentifier
        func waitsOnThePipe() -> Bool {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            return tasks.contains { (try? String(contentsOfFile: "/proc/\(pid)/task/\($0)/wchan", encoding: .utf8)) == "wait_for_partner" }
        }
        let deadline = Date(timeIntervalSinceNow: 20)
        while !waitsOnThePipe() && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(waitsOnThePipe(), "kassa wal verify never reached the segment")
        #expect(Glibc.kill(pid, SIGBUS) == 0)
        #expect(child.finish() == 2)
        #expect(child.standardError.contains("a journal segment was cut shorter while it was read"), "\(child.standardError)")
    }
}
