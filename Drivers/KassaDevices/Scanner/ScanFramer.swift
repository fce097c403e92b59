/// What a `ScanFramer` reports: a complete scan, or bytes it dropped and why.
public enum ScanFramerEvent: Hashable, Sendable {
    /// A complete scan: no suffix, no prefix, never empty, never longer than the cap.
    case frame([UInt8])
    /// Bytes dropped: a run longer than the cap, or a scan cut off before its suffix.
    case dropped(ScanError)
}

/// Cuts the byte stream of a serial scanner into scans, as a state machine: bytes go in with the
/// time they arrived (milliseconds on any monotonic clock; it reads none itself), and complete
/// scans come out as events. Pauses are noticed on the next `feed` or on `tick(at:)`, which the
/// lane calls at `deadlineMs`.
public struct ScanFramer: Sendable {
    /// The framing it applies.
    public let framing: ScanFraming

    private var buffer: [UInt8] = []
    /// True while skipping a run that outgrew the cap, up to the next suffix or pause.
    private var discarding = false
    /// When the last byte of the pending scan (or skipped run) came; nil when nothing is pending.
    private var lastByteMs: UInt64?

    /// A framer with nothing pending.
    public init(framing: ScanFraming) {
        self.framing = framing
        buffer.reserveCapacity(framing.frameLengthMax + 1)
    }

    /// When `tick(at:)` should next be called for a pause to end (or drop) the pending scan; nil
    /// when nothing is pending or no timeout is set.
    public var deadlineMs: UInt64? {
        guard let lastByteMs, let timeout = framing.interByteTimeoutMs else { return nil }
        return lastByteMs &+ timeout
    }

    /// Takes `bytes` that arrived at `nowMs` and returns the events they complete.
    public mutating func feed(_ bytes: [UInt8], at nowMs: UInt64) -> [ScanFramerEvent] {
        bytes.withUnsafeBufferPointer { feed($0, at: nowMs) }
    }

    /// Takes `bytes` that arrived at `nowMs` and returns the events they complete.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, at nowMs: UInt64) -> [ScanFramerEvent] {
        var events: [ScanFramerEvent] = []
        expire(at: nowMs, into: &events)
        guard !bytes.isEmpty else { return events }
        let terminator = framing.suffix.terminator
        var start = 0
        while start < bytes.count {
            var end = start
            if let terminator {
                while end < bytes.count, bytes[end] != terminator { end += 1 }
            } else {
                end = bytes.count
            }
            collect(UnsafeBufferPointer(rebasing: bytes[start..<end]), into: &events)
            guard end < bytes.count else { break }
            finishFrame(into: &events)
            start = end + 1
        }
        lastByteMs = buffer.isEmpty && !discarding ? nil : nowMs
        return events
    }

    /// Ends or drops the pending scan when no byte came for the timeout before `nowMs`.
    public mutating func tick(at nowMs: UInt64) -> [ScanFramerEvent] {
        var events: [ScanFramerEvent] = []
        expire(at: nowMs, into: &events)
        return events
    }

    /// Ends the pending scan because the stream ended (a recorded file, a closed port): what was
    /// read is taken as the whole scan.
    public mutating func flush() -> [ScanFramerEvent] {
        var events: [ScanFramerEvent] = []
        finishFrame(into: &events)
        return events
    }

    /// Appends a run of bytes that holds no terminator, or starts skipping when it would outgrow
    /// the cap.
    private mutating func collect(_ run: UnsafeBufferPointer<UInt8>, into events: inout [ScanFramerEvent]) {
        guard !discarding, !run.isEmpty else { return }
        // A CRLF scan holds its CR until the LF comes, so it may take one byte more meanwhile.
        let room = framing.frameLengthMax + (framing.suffix == .crlf ? 1 : 0)
        guard buffer.count + run.count <= room else {
            events.append(.dropped(tooLong(buffer.count + run.count)))
            buffer.removeAll(keepingCapacity: true)
            discarding = true
            return
        }
        buffer.append(contentsOf: run)
    }

    /// Ends the scan at a terminator or pause: yields it without suffix and prefix, unless empty.
    private mutating func finishFrame(into events: inout [ScanFramerEvent]) {
        defer {
            buffer.removeAll(keepingCapacity: true)
            discarding = false
            lastByteMs = nil
        }
        guard !discarding else { return }
        var end = buffer.count
        if framing.suffix == .crlf, end > 0, buffer[end - 1] == 0x0D { end -= 1 }
        guard end <= framing.frameLengthMax else {
            events.append(.dropped(tooLong(end)))
            return
        }
        var start = 0
        if !framing.prefix.isEmpty, end >= framing.prefix.count, buffer[0..<framing.prefix.count].elementsEqual(framing.prefix) {
            start = framing.prefix.count
        }
        guard start < end else { return }
        events.append(.frame(Array(buffer[start..<end])))
    }

    /// Ends (no suffix) or drops (suffix never came) the pending scan after a pause.
    private mutating func expire(at nowMs: UInt64, into events: inout [ScanFramerEvent]) {
        guard let lastByteMs, let timeout = framing.interByteTimeoutMs, nowMs >= lastByteMs, nowMs - lastByteMs >= timeout else { return }
        if framing.suffix == .none || discarding {
            finishFrame(into: &events)
            return
        }
        events.append(.dropped(ScanError(.incompleteFrame, "\(buffer.count) bytes from the scanner without the \(framing.suffix.rawValue) "
                                         + "suffix and then nothing for \(nowMs - lastByteMs) ms; dropped")))
        buffer.removeAll(keepingCapacity: true)
        self.lastByteMs = nil
    }

    private func tooLong(_ count: Int) -> ScanError {
        ScanError(.frameTooLong, "more than \(framing.frameLengthMax) bytes from the scanner without a suffix "
                  + "(\(count) so far; wrong baud rate or suffix setting?); dropped up to the next "
                  + (framing.suffix == .none ? "pause" : framing.suffix.rawValue))
    }
}
