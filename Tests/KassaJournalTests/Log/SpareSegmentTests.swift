import Foundation
import Testing
@testable import KassaJournal

/// The next segment made ahead as a file of written zeros (`SpareSegment`).
@Suite("Journal log: the spare next segment")
struct SpareSegmentTests {
    /// Extents of `path` that the file system holds as allocated but unwritten, by `filefrag`
    /// (e2fsprogs, installed by the Makefile).
    static func unwrittenExtents(_ path: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/filefrag")
        process.arguments = ["-v", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "filefrag -v \(path): \(text)")
        return text.split(separator: "\n").filter { $0.contains("unwritten") }.count
    }

    /// The names of the spares in `directory`, ready ones or half-written ones.
    static func spares(_ directory: String, ready: Bool = true) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix(SpareSegment.prefix) && $0.hasSuffix(ready ? SpareSegment.suffix : SpareSegment.partialSuffix) }
    }

    /// The inode number of the file at `path`.
    static func inode(_ path: String) throws -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return UInt64(info.st_ino)
    }

    /// Waits until a spare is ready in `directory` and `writer` knows it (the file is renamed
    /// ready a moment before the writer is told, so a roll in between preallocates instead).
    static func waitForSpare(_ directory: String, writer: JournalWriter) async throws -> Bool {
        for _ in 0..<1000 {
            if !spares(directory).isEmpty && writer.spareIsReady { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func segmentsAfterTheFirstAreWrittenZerosMadeAhead() async throws {
        let dir = temporaryDirectory("spare")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let opened = try Journal.open(directory: dir, options: smallSegments)
        let writer = opened.writer
        // Under half a segment nothing is made ahead.
        try writeRecords(writer, 1...20, bytes: 1000)
        #expect(Self.spares(dir).isEmpty && Self.spares(dir, ready: false).isEmpty)
        // The first segment is only preallocated: its unwritten tail shows the check can tell.
        #expect(try Self.unwrittenExtents(segmentFiles(dir)[0]) > 0)
        // Past half (at the last flush of these, records of 1,016 bytes after a 4,096-byte
        // header), the spare appears. The first segment was only preallocated, so the next
        // append rolls to the spare at once instead of filling the rest.
        try writeRecords(writer, 21...33, bytes: 1000)
        #expect(try await Self.waitForSpare(dir, writer: writer), "no spare once the segment was half full")
        let madeAhead = Self.spares(dir)
        #expect(madeAhead.count == 1)
        // The file itself, not its name: every spare of one writer has the same name, and the
        // next one is made under it after the roll.
        let spareInode = try madeAhead.first.map { try Self.inode(dir + "/" + $0) }
        #expect(segmentFiles(dir).count == 1)
        try writeRecords(writer, 34...70, bytes: 1000)
        let files = segmentFiles(dir)
        try #require(files.count == 2)
        #expect(files.last.flatMap { SegmentFormat.firstSeq(fileName: ($0 as NSString).lastPathComponent) } == 34)
        // The roll took the spare: the second segment is the file that was made ahead.
        let segmentInode = try Self.inode(files[1])
        #expect(spareInode != nil && spareInode == segmentInode, "the roll took the spare")
        // Past half of the new segment the next spare is made: a new file under the same name.
        #expect(try await Self.waitForSpare(dir, writer: writer), "no spare once the second segment was half full")
        let next = Self.spares(dir)
        #expect(next == madeAhead)
        #expect(try next.first.map { try Self.inode(dir + "/" + $0) } != segmentInode)
        // The second segment was made of written zeros: a sync after a record writes no
        // extent change.
        #expect(try Self.unwrittenExtents(files[1]) == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: files[1])[.size] as? Int == smallSegments.segmentBytes)
        // Every record reads back in order, across the roll.
        let (report, records) = try readAll(dir)
        guard case .clean = report.verdict else { Issue.record("verdict \(report.verdict)"); return }
        #expect(records.map(\.0) == (1...70).map(UInt64.init))
        #expect(records.last?.1 == payload(70, bytes: 1000))
    }

    /// A writer closed while its spare is still being written, and another opened on the
    /// directory at once: the second one's rolls and records are its own.
    @Test func aWriterReopenedWhileItsSpareIsWrittenRollsCleanly() throws {
        let dir = temporaryDirectory("spare-reopen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = JournalWriter.Options(segmentBytes: 4 << 20, recordBytesMax: 4096)
        for round in 0..<3 {
            let opened = try Journal.open(directory: dir, options: options)
            let first = Int(opened.writer.lastSeq) + 1
            // Past half of a 4 MiB segment, which asks for a spare; then close at once.
            try writeRecords(opened.writer, first...(first + 2_200), bytes: 1000)
            if round == 2 {
                // The last writer goes on through two more rolls.
                try writeRecords(opened.writer, (first + 2_201)...(first + 11_000), bytes: 1000)
            }
        }
        let (report, records) = try readAll(dir, options: options)
        guard case .clean = report.verdict else { Issue.record("verdict \(report.verdict)"); return }
        #expect(records.map(\.0) == (1...UInt64(records.count)).map { $0 })
        #expect(records.count == 3 * 2_201 + 8_800)
    }

    @Test func aLeftoverSpareIsRemovedAndNeverReadAsASegment() throws {
        let dir = temporaryDirectory("spare-leftover")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let opened = try Journal.open(directory: dir, options: smallSegments)
            try writeRecords(opened.writer, 1...30)
        }
        // A stop left a ready spare, a crash a half-written one; both hold what looks like
        // records, which must never be read.
        let segment = try Data(contentsOf: URL(fileURLWithPath: segmentFiles(dir)[0]))
        for name in ["\(SpareSegment.prefix)1f\(SpareSegment.suffix)", "\(SpareSegment.prefix)2e\(SpareSegment.partialSuffix)"] {
            try segment.write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        #expect(Self.spares(dir).count == 1 && Self.spares(dir, ready: false).count == 1)
        let reopened = try Journal.open(directory: dir, options: smallSegments)
        #expect(reopened.report.records == 30)
        #expect(reopened.removedTemporaryFiles.isEmpty)
        #expect(Self.spares(dir).isEmpty && Self.spares(dir, ready: false).isEmpty)
        try writeRecords(reopened.writer, 31...40)
        let (report, records) = try readAll(dir)
        guard case .clean = report.verdict else { Issue.record("verdict \(report.verdict)"); return }
        #expect(records.map(\.0) == (1...40).map(UInt64.init))
    }
}
