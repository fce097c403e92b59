/// A barcode read over HID POS: its AIM identifier (sent beside the data) and its data.
public struct HidPosScan: Hashable, Sendable {
    /// The AIM symbology identifier of the first report, when the scanner sent one.
    public let identifier: SymbologyIdentifier?
    /// The data of all the barcode's reports, joined.
    public let data: [UInt8]

    /// Decodes the scan into a barcode.
    public func barcode() throws(ScanError) -> Barcode {
        guard let identifier else { return try Barcode(scanned: data) }
        return try Barcode(identifier: identifier, data: data)
    }
}

/// What a `HidPosReportAssembler` reports.
public enum HidPosEvent: Hashable, Sendable {
    /// A complete barcode.
    case scan(HidPosScan)
    /// A report was refused, or a barcode in progress dropped, and why.
    case rejected(ScanError)
}

/// Joins the HID POS reports of one barcode (each but the last with Decode Data Continued set)
/// into one scan, as a state machine: reports go in with the time they arrived (milliseconds on a
/// monotonic clock), scans and errors come out as events.
///
/// A report of another report id is refused and leaves a barcode in progress alone (the device
/// may send other reports). A malformed scanned-data report drops the barcode in progress; when
/// its Decode Data Continued bit says more follows, the rest of that barcode is skipped too. A
/// barcode whose next report does not come within `continuationTimeoutMs` is dropped, so its
/// head never glues onto the next scan.
public struct HidPosReportAssembler: Sendable {
    /// The report id of scanned data.
    public let reportID: UInt8
    /// The longest barcode joined; longer ones are dropped.
    public let scanLengthMax: Int
    /// How long to wait for a continuation report.
    public let continuationTimeoutMs: UInt64

    private var identifier: SymbologyIdentifier?
    private var data: [UInt8] = []
    /// True while a barcode is in progress.
    private var collecting = false
    /// True while skipping the rest of a barcode that was dropped.
    private var skipping = false
    private var lastReportMs: UInt64 = 0

    /// The default cap on one barcode (as `ScanFraming`'s).
    public static let scanLengthMaxDefault = 4096
    /// The default wait for a continuation report; a scanner sends them back to back.
    public static let continuationTimeoutMsDefault: UInt64 = 500

    /// An assembler with nothing in progress.
    public init(reportID: UInt8 = HidPosReport.scannedDataReportID, scanLengthMax: Int = HidPosReportAssembler.scanLengthMaxDefault,
                continuationTimeoutMs: UInt64 = HidPosReportAssembler.continuationTimeoutMsDefault) {
        self.reportID = reportID
        self.scanLengthMax = max(1, scanLengthMax)
        self.continuationTimeoutMs = continuationTimeoutMs
    }

    /// When `tick(at:)` should be called to drop a barcode whose continuation never came.
    public var deadlineMs: UInt64? {
        collecting || skipping ? lastReportMs &+ continuationTimeoutMs : nil
    }

    /// Takes one report that arrived at `nowMs`.
    public mutating func receive(_ bytes: [UInt8], at nowMs: UInt64) -> [HidPosEvent] {
        var events: [HidPosEvent] = []
        expire(at: nowMs, into: &events)
        let report: HidPosReport
        do {
            report = try HidPosReport(parsing: bytes, expectedReportID: reportID)
        } catch {
            events.append(.rejected(error))
            // Another report id is not part of the barcode; a broken scanned-data report is.
            if bytes.count == HidPosReport.size, bytes[0] != reportID { return events }
            if collecting { events.append(.rejected(dropped("a malformed report came in the middle of it"))) }
            reset()
            skipping = bytes.count == HidPosReport.size && bytes[HidPosReport.continuedOffset] & 1 == 1
            lastReportMs = nowMs
            return events
        }
        lastReportMs = nowMs
        if skipping {
            skipping = report.continues
            return events
        }
        if !collecting {
            collecting = true
            identifier = report.identifier
        }
        guard data.count + report.data.count <= scanLengthMax else {
            events.append(.rejected(ScanError(.limitExceeded, "HID POS barcode longer than \(scanLengthMax) bytes; dropped")))
            reset()
            skipping = report.continues
            return events
        }
        data.append(contentsOf: report.data)
        if !report.continues {
            if !data.isEmpty { events.append(.scan(HidPosScan(identifier: identifier, data: data))) }
            reset()
        }
        return events
    }

    /// Drops a barcode whose continuation did not come in time.
    public mutating func tick(at nowMs: UInt64) -> [HidPosEvent] {
        var events: [HidPosEvent] = []
        expire(at: nowMs, into: &events)
        return events
    }

    private mutating func expire(at nowMs: UInt64, into events: inout [HidPosEvent]) {
        guard collecting || skipping, nowMs >= lastReportMs, nowMs - lastReportMs >= continuationTimeoutMs else { return }
        if collecting { events.append(.rejected(dropped("its next report did not come within \(continuationTimeoutMs) ms"))) }
        reset()
    }

    private func dropped(_ reason: String) -> ScanError {
        ScanError(.incompleteFrame, "HID POS barcode dropped after \(data.count) bytes: \(reason)")
    }

    private mutating func reset() {
        identifier = nil
        data.removeAll(keepingCapacity: true)
        collecting = false
        skipping = false
    }
}
