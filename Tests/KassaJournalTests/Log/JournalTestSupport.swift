import Foundation
@testable import KassaJournal
import KassaTestSupport

/// A fresh directory under the system temporary directory, removed when the test process exits.
func temporaryDirectory(_ label: String) -> String {
    let path = TemporaryDirectories.fresh("kassa-\(label)")
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Small segments so tests roll often.
let smallSegments = JournalWriter.Options(segmentBytes: 64 << 10, recordBytesMax: 4096)

/// A payload that names its record, so a test can tell records apart.
func payload(_ n: Int, bytes: Int? = nil) -> [UInt8] {
    let text = Array("record \(n) ".utf8)
    let size = bytes ?? (20 + (n * 37) % 300)
    return (0..<size).map { text[$0 % text.count] }
}

/// Appends `count` records, flushes and syncs; returns (seq, file, offset) of each.
@discardableResult
func writeRecords(_ writer: JournalWriter, _ range: ClosedRange<Int>, bytes: Int? = nil) throws -> [UInt64] {
    var seqs: [UInt64] = []
    for n in range {
        let body = payload(n, bytes: bytes)
        try writer.ensureCapacity(forPayloadBytes: body.count)
        seqs.append(try body.withUnsafeBytes { try writer.append($0) })
        if n % 7 == 0 { try writer.flush(); try writer.sync() }
    }
    try writer.flush()
    try writer.sync()
    return seqs
}

/// Every record in the journal, read the way recovery reads it.
func readAll(_ directory: String, options: JournalWriter.Options = smallSegments) throws -> (report: JournalScanReport, records: [(UInt64, [UInt8])]) {
    var records: [(UInt64, [UInt8])] = []
    let report = try JournalScanner.scan(directory: directory, recordBytesMax: options.recordBytesMax) { seq, body in
        records.append((seq, Array(body)))
    }
    return (report, records)
}

/// Segment files in order.
func segmentFiles(_ directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".wal") }.sorted().map { directory + "/" + $0 } ?? []
}

/// Where each record of a segment starts, read from the file.
func recordOffsets(_ path: String) throws -> [(seq: UInt64, offset: Int, size: Int)] {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    var offset = SegmentFormat.headerSize
    var out: [(UInt64, Int, Int)] = []
    while offset + 16 <= data.count {
        let length = Int(data[offset]) | Int(data[offset + 1]) << 8 | Int(data[offset + 2]) << 16 | Int(data[offset + 3]) << 24
        if length == 0 { break }
        let seq = data[(offset + 8)..<(offset + 16)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let size = SegmentFormat.recordSize(payloadBytes: length)
        out.append((seq, offset, size))
        offset += size
    }
    return out
}

/// Rewrites bytes of a file in place.
func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: Data(bytes))
    try handle.synchronize()
    try handle.close()
}

func truncateFile(_ path: String, to length: Int) {
    precondition(truncate(path, off_t(length)) == 0)
}

func copyDirectory(_ from: String, label: String) -> String {
    let to = temporaryDirectory(label)
    try? FileManager.default.removeItem(atPath: to)
    try! FileManager.default.copyItem(atPath: from, toPath: to)
    return to
}
