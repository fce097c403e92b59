import Foundation
import Testing
@testable import KassaTill

/// The lane's outbox keeps every sale until the server has it and its receipt is out, across
/// restarts, torn writes and the sender's progress.
@Suite struct LaneOutboxTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kassa-outbox-\(UUID().uuidString)").path
    }

    @Test func salesSurviveAReopenInOrderUntilSentAndPrinted() throws {
        let path = directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let outbox = try LaneOutbox(directory: path)
            for n in 1...3 { try outbox.add(id: "S\(n)", body: Array("body \(n)".utf8)) }
            try outbox.markSent("S1")
            try outbox.markPrinted("S1")
            try outbox.markPrinted("S2")
            try outbox.replace(id: "S3", body: Array("mended".utf8))
        }
        let reopened = try LaneOutbox(directory: path)
        #expect(reopened.unsent.map(\.id) == ["S2", "S3"])
        #expect(reopened.unprinted.map(\.id) == ["S3"])
        #expect(reopened.unsent.last?.body == Array("mended".utf8))
        #expect(throws: OutboxError.self) { try reopened.add(id: "S2", body: [1]) }
    }

    @Test func aTornLastRecordIsCutAndTheSalesBeforeItStay() throws {
        let path = directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let outbox = try LaneOutbox(directory: path)
            try outbox.add(id: "S1", body: Array(repeating: 7, count: 300))
            try outbox.add(id: "S2", body: Array(repeating: 8, count: 300))
        }
        // Zero the last record's tail, as a power cut in the middle of a write leaves it.
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: path).first { $0.hasSuffix(".wal") })
        let handle = try #require(FileHandle(forUpdatingAtPath: path + "/" + segment))
        let bytes = try #require(try handle.readToEnd())
        let lastNonZero = try #require(bytes.lastIndex { $0 != 0 })
        try handle.seek(toOffset: UInt64(lastNonZero - 100))
        handle.write(Data(repeating: 0, count: 101))
        try handle.close()
        let reopened = try LaneOutbox(directory: path)
        #expect(reopened.unsent.map(\.id) == ["S1"])
    }

    @Test func settledSalesLeaveAndTheOutboxStaysSmall() throws {
        let path = directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outbox = try LaneOutbox(directory: path)
        for n in 1...50 {
            try outbox.add(id: "S\(n)", body: Array(repeating: UInt8(n), count: 200_000))
            try outbox.markPrinted("S\(n)")
            try outbox.markSent("S\(n)")
        }
        #expect(outbox.unsent.isEmpty && outbox.unprinted.isEmpty)
        // 10 MB of settled sales went through 4 MiB segments; only the one being written is left.
        let segments = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".wal") }
        #expect(segments.count == 1, "\(segments)")
    }
}
