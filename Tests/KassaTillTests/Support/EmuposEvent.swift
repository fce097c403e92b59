import Foundation

/// One event line `emupos run` printed, such as `drawer.opened` or `printer.job.completed`.
///
/// The harness reads events from the standard output of `emupos run`, which prints one line per
/// event and never wraps when piped (emupos/cli/output.py, `PIPED_WIDTH`):
/// `02:22:11.641  printer  drawer.opened                 drawer opened (pin 2)`.
/// The control API has no event history; its WebSocket stream only sends what happens after a
/// client subscribed, and Foundation on Linux has no dependable WebSocket client.
struct EmuposEvent: Sendable, Equatable {
    /// The device id: `printer`, `scanner` or `scale`.
    let device: String
    /// The event type, e.g. `printer.job.completed`.
    let type: String
    /// emupos's one-line summary, e.g. `job 1 · cut → printer-20261127T…`.
    let summary: String

    /// The events in `output`, in the order emupos published them; other lines are skipped.
    static func parse(_ output: String) -> [EmuposEvent] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        if !output.hasSuffix("\n") { lines.removeLast() }  // still being written
        return lines.compactMap(parse(line:))
    }

    /// `HH:MM:SS.mmm  device  type  summary`, or nil for any other line.
    static func parse(line: Substring) -> EmuposEvent? {
        let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        guard fields.count >= 3, isClock(fields[0]), fields[2].contains(".") else { return nil }
        let summary = fields.count == 4 ? fields[3].trimmingCharacters(in: .whitespaces) : ""
        return EmuposEvent(device: String(fields[1]), type: String(fields[2]), summary: summary)
    }

    private static func isClock(_ field: Substring) -> Bool {
        let shape = Array("00:00:00.000")
        let characters = Array(field)
        guard characters.count == shape.count else { return false }
        return zip(characters, shape).allSatisfy { actual, expected in
            expected == "0" ? actual.isASCII && actual.isNumber : actual == expected
        }
    }
}
