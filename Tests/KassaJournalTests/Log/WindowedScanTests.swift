import Foundation
import Testing
@testable import KassaJournal

/// A segment is read a window at a time while its records verify; a record that crosses a
/// window's edge, damage past the first window and a zero tail must read as they did when the
/// whole file was read at once.
@Suite("Journal scan: a segment larger than the scan's window")
struct WindowedScanTests {
    /// Segments of 8 MiB: several windows of records each.
    private let largeSegments = JournalWriter.Options(segmentBytes: 8 << 20, recordBytesMax: 64 << 10)

    /// About 3.5 MiB of records of uneven sizes, up to the largest, in one segment.
    private func writeLargeSegment(_ label: String) throws -> String {
        let dir = temporaryDirectory(label)
        let writer = try Journal.open(directory: dir, options: largeSegments).writer
        for n in 1...1_500 {
            let body = payload(n, bytes: n % 100 == 0 ? largeSegments.recordBytesMax : 100 + (n * 997) % 2_000)
            try writer.ensureCapacity(forPayloadBytes: body.count)
            _ = try body.withUnsafeBytes { try writer.append($0) }
        }
        try writer.flush()
        try writer.sync()
        #expect(segmentFiles(dir).count == 1)
        return dir
    }

    @Test func everyRecordAcrossTheWindowsIsVisitedWhole() throws {
        let dir = try writeLargeSegment("windows")
        let (report, records) = try readAll(dir, options: largeSegments)
        guard case .clean = report.verdict else { Issue.record("verdict \(report.verdict)"); return }
        #expect(records.count == 1_500)
        for (index, record) in records.enumerated() {
            let n = index + 1
            #expect(record.0 == UInt64(n))
            #expect(record.1 == payload(n, bytes: n % 100 == 0 ? largeSegments.recordBytesMax : 100 + (n * 997) % 2_000))
        }
    }

    @Test func aDamagedRecordPastTheFirstWindowIsCorruptionAtItsOffset() throws {
        let dir = try writeLargeSegment("windows-damage")
        let path = segmentFiles(dir)[0]
        let offsets = try recordOffsets(path)
        let victim = try #require(offsets.first { $0.offset > 2 * SegmentScanner.windowBytes })
        try patch(path, at: victim.offset + 20, [0xFF, 0xEE])
        var visited = 0
        let report = try JournalScanner.scan(directory: dir, recordBytesMax: largeSegments.recordBytesMax) { _, _ in visited += 1 }
        guard case .corrupt(let found) = report.verdict else { Issue.record("verdict \(report.verdict)"); return }
        #expect(found.path == path && found.offset == victim.offset)
        #expect(visited == Int(victim.seq) - 1)
    }

    @Test func garbageAfterTheLastRecordPastTheFirstWindowIsATornTail() throws {
        let dir = try writeLargeSegment("windows-tail")
        let path = segmentFiles(dir)[0]
        let last = try #require(try recordOffsets(path).last)
        #expect(last.offset > 2 * SegmentScanner.windowBytes)
        try patch(path, at: last.offset + last.size + 3 * SegmentScanner.windowBytes / 2, [1, 2, 3])
        let report = try JournalScanner.scan(directory: dir, recordBytesMax: largeSegments.recordBytesMax)
        guard case .tornTail(let torn) = report.verdict else { Issue.record("verdict \(report.verdict)"); return }
        #expect(torn.path == path && torn.offset == last.offset + last.size)
        #expect(report.records == 1_500)
    }
}
