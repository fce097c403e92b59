import ArgumentParser
import Foundation
import KassaCore
import KassaJournal

/// `kassa wal ...`: tools for the write-ahead journal.
struct Wal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wal",
        abstract: "Inspect the write-ahead journal.",
        subcommands: [Verify.self]
    )

    /// `kassa wal verify [--data DIR]`: checks every record; exit 0 clean, 1 corruption.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every journal record: frame, CRC32C, sequence, and that the entry reads.",
            discussion: """
                Reads DATA/journal without changing it; safe while the service runs (the record being \
                written at that moment may show as a torn tail). Exit status: 0 when every record \
                verifies (a torn tail, which start-up cuts, is reported but is not corruption), 1 when \
                the journal is damaged, with the file, byte offset and reason, 2 when it cannot be read.
                """
        )

        @Option(name: .long, help: "The data directory.")
        var data: String = "./data"

        @Option(name: .long, help: "The largest record to accept, as journal.record_bytes_max.")
        var recordBytesMax: Int = 1 << 20

        @Flag(name: .long, help: "List every segment.")
        var verbose = false

        func run() throws {
            let directory = Storage.journalDirectory(of: data)
            guard Storage.hasJournal(data) else {
                printError("no journal at \(directory)")
                throw ExitCode(2)
            }
            // Segments are read mapped; one cut shorter meanwhile (a service starting on this
            // directory cuts a torn tail) raises SIGBUS on the bytes it lost.
            signal(SIGBUS, walVerifySegmentCut)
            var unreadable: (seq: UInt64, reason: String)?
            let report: JournalScanReport
            do {
                report = try JournalScanner.scan(directory: directory, recordBytesMax: recordBytesMax) { seq, payload in
                    guard unreadable == nil else { return }
                    do {
                        _ = try LedgerEntryCodec.decode(seq: seq, payload: payload)
                    } catch {
                        unreadable = (seq, "\(error)")
                    }
                }
            } catch {
                printError("cannot read \(directory): \(error)")
                throw ExitCode(2)
            }
            for segment in report.segments where verbose || segment.damage != nil {
                let range = segment.lastSeq.map { "\(segment.firstSeq ?? 0)...\($0)" } ?? "empty"
                print("\(segment.path): records \(range) (\(segment.records)), \(segment.end) of \(segment.fileSize) bytes used")
            }
            let span = report.lastSeq.map { "entries \(report.firstSeq ?? 0) to \($0)" } ?? "no entries"
            print("\(report.segments.count) segments, \(report.records) records, \(span)")
            if let unreadable {
                print("CORRUPT: journal entry \(unreadable.seq) verifies but cannot be read: \(unreadable.reason)")
                throw ExitCode(1)
            }
            switch report.verdict {
            case .clean:
                print("clean")
            case .tornTail(let torn):
                print("torn tail in \(torn.path) at byte \(torn.offset): \(torn.reason); start-up cuts it (those records were never acknowledged)")
                print("clean up to the torn tail")
            case .corrupt(let corruption):
                print("CORRUPT: \(corruption.path) at byte \(corruption.offset): \(corruption.reason); \(corruption.evidence)")
                throw ExitCode(1)
            }
        }
    }
}

/// `kassa wal verify`'s answer to SIGBUS: a journal segment was cut shorter while it was read,
/// which only a service starting on the directory does (it cuts a torn tail). Only
/// async-signal-safe calls: a fixed message, then exit status 2 (the journal could not be read).
private func walVerifySegmentCut(_ signal: Int32) {
    let message: StaticString = "kassa: a journal segment was cut shorter while it was read (a service starting on this data directory cuts a torn tail); run kassa wal verify again\n"
    _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
    _exit(2)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("kassa: " + message + "\n").utf8))
}
