import Foundation
import Testing
@testable import KassaJournal

@Suite("Journal log: framing, segments, recovery scan")
struct JournalLogTests {
    @Test func hardwareAndTableChecksumsAgree() {
        var random = SystemRandomNumberGenerator()
        // Past 191 bytes the hardware path checksums three streams at once, at most 4 KiB each a
        // round: lengths around that edge, and of several rounds with bytes left over.
        for length in Array(0..<80) + [191, 192, 193, 200, 1023, 1024, 4096 + 3, 3 * 4096, 3 * 4096 + 7, 40_000 + 5] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let seed = UInt32.random(in: 0...UInt32.max, using: &random)
            bytes.withUnsafeBytes { raw in
                #expect(CRC32C.update(seed, raw) == CRC32C.software(seed, raw), "\(length) bytes")
                #expect(CRC32C.update(0, raw) == CRC32C.software(0, raw))
            }
        }
        #expect(CRC32C.software(0, UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
        #if arch(x86_64)
        // Every x86-64 CPU since 2008 has SSE4.2: the fast path must be the one in use here.
        #expect(CRC32C.usesHardware)
        #endif
    }

    @Test func crc32cMatchesPublishedCheckValues() {
        // RFC 3720 (iSCSI) appendix B.4 and the common "123456789" check value.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        // Continuing over pieces equals one pass, at every split.
        let text = Array("the quick brown fox jumps over the lazy dog, twice over".utf8)
        for split in 0...text.count {
            let first = text[..<split].withUnsafeBytes { CRC32C.update(0, $0) }
            let both = text[split...].withUnsafeBytes { CRC32C.update(first, $0) }
            #expect(both == CRC32C.checksum(text))
        }
    }

    @Test func segmentNamesSortBySequence() {
        #expect(SegmentFormat.fileName(firstSeq: 1) == "00000000000000000001.wal")
        #expect(SegmentFormat.firstSeq(fileName: "00000000000000012345.wal") == 12345)
        #expect(SegmentFormat.firstSeq(fileName: "12345.wal") == nil)
        #expect(SegmentFormat.firstSeq(fileName: "00000000000000012345.wal.tmp") == nil)
    }

    @Test func recordsSurviveReopenAcrossManySegments() throws {
        let dir = temporaryDirectory("log")
        let opened = try Journal.open(directory: dir, options: smallSegments)
        #expect(opened.writer.lastSeq == 0)
        let seqs = try writeRecords(opened.writer, 1...1500)
        #expect(seqs == (1...1500).map(UInt64.init))
        #expect(opened.writer.durableSeq == 1500)
        let files = segmentFiles(dir)
        #expect(files.count >= 4, "small segments must have rolled")
        for file in files {
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int == smallSegments.segmentBytes, "segments are preallocated")
        }
        let (report, records) = try readAll(dir)
        guard case .clean = report.verdict else { Issue.record("verdict \(report.verdict)"); return }
        #expect(records.map(\.0) == seqs)
        #expect(records.allSatisfy { $0.1 == payload(Int($0.0)) })

        // Reopening continues the sequence in the last segment.
        let again = try Journal.open(directory: dir, options: smallSegments)
        #expect(again.writer.lastSeq == 1500)
        try writeRecords(again.writer, 1501...1510)
        #expect(try readAll(dir).records.count == 1510)
    }

    @Test func readerFollowsTheWriterAcrossSegmentsFromAnyPoint() throws {
        let dir = temporaryDirectory("reader")
        let writer = try Journal.open(directory: dir, options: smallSegments).writer
        try writeRecords(writer, 1...400)
        let reader = JournalReader(directory: dir, from: 123, recordBytesMax: smallSegments.recordBytesMax, bufferBytes: 8192)
        var seen: [UInt64] = []
        try reader.read(upTo: 300) { seq, body in
            #expect(Array(body) == payload(Int(seq)))
            seen.append(seq)
        }
        #expect(seen == Array(123...300))
        // Nothing past what is written; then more arrives and the reader picks it up.
        try reader.read(upTo: .max) { seq, _ in seen.append(seq) }
        #expect(seen.last == 400)
        try writeRecords(writer, 401...900)
        try reader.read(upTo: .max) { seq, _ in seen.append(seq) }
        #expect(seen == Array(123...900))
    }

    /// A crash in the middle of writing the last record leaves any prefix of it on disk.
    @Test func lastRecordTruncatedAtEveryByteIsCutAndWritingGoesOn() throws {
        let base = temporaryDirectory("torn-base")
        try writeRecords(try Journal.open(directory: base, options: smallSegments).writer, 1...6, bytes: 90)
        let file = segmentFiles(base)[0]
        let last = try recordOffsets(file).last!
        #expect(last.seq == 6)
        for cutAt in 0..<last.size {
            let dir = copyDirectory(base, label: "torn-\(cutAt)")
            let path = segmentFiles(dir)[0]
            truncateFile(path, to: last.offset + cutAt)
            let opened = try Journal.open(directory: dir, options: smallSegments)
            #expect(opened.writer.lastSeq == 5, "cut at \(cutAt)")
            if cutAt == 0 {
                #expect(opened.cut == nil)
            } else {
                #expect(opened.cut?.path == path, "cut at \(cutAt)")
                #expect(opened.cut?.offset == last.offset, "cut at \(cutAt)")
            }
            // The cut segment is whole again and takes the next record where the torn one was.
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == smallSegments.segmentBytes)
            try writeRecords(opened.writer, 60...60, bytes: 50)
            let (report, records) = try readAll(dir)
            guard case .clean = report.verdict else { Issue.record("cut at \(cutAt): \(report.verdict)"); continue }
            #expect(records.map(\.0) == Array(1...6), "cut at \(cutAt)")
            #expect(records.last?.1 == payload(60, bytes: 50))
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    @Test func zeroFilledTailIsCut() throws {
        let dir = temporaryDirectory("zero-tail")
        try writeRecords(try Journal.open(directory: dir, options: smallSegments).writer, 1...10, bytes: 200)
        let path = segmentFiles(dir)[0]
        let records = try recordOffsets(path)
        // The last record's body never reached the disk: its length and seq did.
        let last = records[9]
        try patch(path, at: last.offset + 16, [UInt8](repeating: 0, count: last.size - 16))
        let opened = try Journal.open(directory: dir, options: smallSegments)
        #expect(opened.writer.lastSeq == 9)
        #expect(opened.cut?.offset == last.offset)
        #expect(opened.cut?.reason == "record checksum mismatch")

        // The last two records zeroed whole: the end looks like unwritten space, nothing to cut.
        let dir2 = temporaryDirectory("zero-tail2")
        try writeRecords(try Journal.open(directory: dir2, options: smallSegments).writer, 1...10, bytes: 200)
        let path2 = segmentFiles(dir2)[0]
        let r2 = try recordOffsets(path2)
        try patch(path2, at: r2[8].offset, [UInt8](repeating: 0, count: r2[8].size + r2[9].size))
        let opened2 = try Journal.open(directory: dir2, options: smallSegments)
        #expect(opened2.writer.lastSeq == 8)
    }

    @Test func garbageAfterTheLastRecordIsCut() throws {
        let dir = temporaryDirectory("garbage")
        try writeRecords(try Journal.open(directory: dir, options: smallSegments).writer, 1...10, bytes: 100)
        let path = segmentFiles(dir)[0]
        let end = try recordOffsets(path).last!
        var random = SystemRandomNumberGenerator()
        try patch(path, at: end.offset + end.size, (0..<3000).map { _ in UInt8.random(in: 0...255, using: &random) })
        let opened = try Journal.open(directory: dir, options: smallSegments)
        #expect(opened.writer.lastSeq == 10)
        #expect(opened.cut?.offset == end.offset + end.size)
    }

    @Test func flippedBitInAMiddleRecordStopsStartUpWithFileAndOffset() throws {
        let dir = temporaryDirectory("bitflip")
        try writeRecords(try Journal.open(directory: dir, options: smallSegments).writer, 1...20, bytes: 120)
        let path = segmentFiles(dir)[0]
        let victim = try recordOffsets(path)[9]
        for bit in [0, 7, 100 * 8 + 3] {
            let copy = copyDirectory(dir, label: "bitflip-\(bit)")
            let copyPath = segmentFiles(copy)[0]
            let position = victim.offset + 16 + bit / 8
            var byte = try [UInt8](Data(contentsOf: URL(fileURLWithPath: copyPath)))[position]
            byte ^= UInt8(1 << (bit % 8))
            try patch(copyPath, at: position, [byte])
            let before = try Data(contentsOf: URL(fileURLWithPath: copyPath))
            do {
                _ = try Journal.open(directory: copy, options: smallSegments)
                Issue.record("a damaged middle record must stop start-up (bit \(bit))")
            } catch let corruption as JournalCorruption {
                #expect(corruption.path == copyPath)
                #expect(corruption.offset == victim.offset)
                #expect(corruption.description.contains("kassa wal verify"))
                #expect(corruption.description.contains("record 11"))
            }
            // Nothing was cut or rewritten.
            #expect(try Data(contentsOf: URL(fileURLWithPath: copyPath)) == before)
            // The verifier reports the same.
            let report = try JournalScanner.scan(directory: copy, recordBytesMax: smallSegments.recordBytesMax)
            guard case .corrupt(let found) = report.verdict else { Issue.record("verify: \(report.verdict)"); continue }
            #expect(found.path == copyPath && found.offset == victim.offset)
        }
    }

    @Test func damageInAnEarlierSegmentWithLaterRecordsIsCorruption() throws {
        let dir = temporaryDirectory("early")
        try writeRecords(try Journal.open(directory: dir, options: smallSegments).writer, 1...1200, bytes: 200)
        let files = segmentFiles(dir)
        #expect(files.count >= 3)
        // The last record of the first segment is torn: valid records follow in the next segment.
        let last = try recordOffsets(files[0]).last!
        try patch(files[0], at: last.offset + 20, [0xFF, 0xEE])
        #expect(throws: JournalCorruption.self) { try Journal.open(directory: dir, options: smallSegments) }
    }

    @Test func aSegmentHeaderThatDoesNotVerifyStopsStartUp() throws {
        let dir = temporaryDirectory("header")
        try writeRecords(try Journal.open(directory: dir, options: smallSegments).writer, 1...5)
        try patch(segmentFiles(dir)[0], at: 3, [0x00])
        #expect(throws: JournalCorruption.self) { try Journal.open(directory: dir, options: smallSegments) }
    }

    @Test func aMissingSegmentStopsStartUp() throws {
        let dir = temporaryDirectory("gap")
        try writeRecords(try Journal.open(directory: dir, options: smallSegments).writer, 1...1200, bytes: 200)
        let files = segmentFiles(dir)
        try FileManager.default.removeItem(atPath: files[1])
        do {
            _ = try Journal.open(directory: dir, options: smallSegments)
            Issue.record("a hole in the journal must stop start-up")
        } catch let corruption as JournalCorruption {
            #expect(corruption.reason.contains("missing"))
        }
    }

    @Test func leftoverTemporarySegmentAndEmptyLastSegmentAreHandled() throws {
        let dir = temporaryDirectory("tmp")
        let writer = try Journal.open(directory: dir, options: smallSegments).writer
        try writeRecords(writer, 1...5)
        // A crash while creating the next segment leaves its temporary file behind.
        #expect(FileManager.default.createFile(atPath: dir + "/" + SegmentFormat.fileName(firstSeq: 6) + ".tmp", contents: Data([1, 2, 3])))
        let opened = try Journal.open(directory: dir, options: smallSegments)
        #expect(opened.removedTemporaryFiles.count == 1)
        #expect(opened.writer.lastSeq == 5)
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + SegmentFormat.fileName(firstSeq: 6) + ".tmp"))
    }

    @Test func segmentsCoveredElsewhereAreRemovedButNeverTheCurrentOne() throws {
        let dir = temporaryDirectory("remove")
        let writer = try Journal.open(directory: dir, options: smallSegments).writer
        try writeRecords(writer, 1...1500, bytes: 200)
        let before = writer.segments
        #expect(before.count > 4)
        let removed = try writer.removeSegments(coveredBefore: before[3])
        #expect(removed.count == 3)
        #expect(writer.segments == Array(before[3...]))
        #expect(segmentFiles(dir).count == before.count - 3)
        try writer.removeSegments(coveredBefore: .max)
        #expect(writer.segments == [before.last!])
        // What is left still opens and reads from its first record on.
        let (report, records) = try readAll(dir)
        guard case .clean = report.verdict else { Issue.record("\(report.verdict)"); return }
        #expect(records.first?.0 == before.last!)
        #expect(records.last?.0 == 1500)
    }

    @Test func badOptionsAreRefusedWithTheKeyNamed() {
        #expect(throws: JournalConfigurationError.self) {
            try Journal.open(directory: temporaryDirectory("opts"), options: JournalWriter.Options(segmentBytes: 8192, recordBytesMax: 4096))
        }
    }
}
