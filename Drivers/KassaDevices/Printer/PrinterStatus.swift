/// What a receipt printer can do right now, put together from its four `DLE EOT` answers.
public struct PrinterStatus: Hashable, Sendable {
    /// The one thing to tell the cashier, most urgent first.
    public enum Condition: String, Hashable, Sendable {
        /// Prints.
        case ready
        /// Prints, but the roll will end soon.
        case paperNearEnd
        /// Holds what it is sent until paper is loaded.
        case paperOut
        /// Holds what it is sent until the cover is closed.
        case coverOpen
        /// Reports an error (cutter jam, overheating, hardware fault).
        case error
        /// Offline for another reason (paper fed by the button, set offline).
        case offline
    }

    /// Whether the printer reports itself online.
    public var online: Bool
    /// Whether the cover is open.
    public var coverOpen: Bool
    /// Whether the roll is near its end.
    public var paperNearEnd: Bool
    /// Whether the paper is out.
    public var paperOut: Bool
    /// Whether the cash drawer is open, by pin 3 and the drawer's wiring.
    public var drawerOpen: Bool
    /// The error cause, when the printer reports an error.
    public var error: PrinterStatusAnswer.ErrorCause?

    /// A status from its parts.
    public init(online: Bool, coverOpen: Bool = false, paperNearEnd: Bool = false, paperOut: Bool = false,
                drawerOpen: Bool = false, error: PrinterStatusAnswer.ErrorCause? = nil) {
        self.online = online
        self.coverOpen = coverOpen
        self.paperNearEnd = paperNearEnd
        self.paperOut = paperOut
        self.drawerOpen = drawerOpen
        self.error = error
    }

    /// The status the four answers give together; `drawerOpenWhenPin3High` from the profile.
    public init(
        printer: PrinterStatusAnswer.Printer, offlineCause: PrinterStatusAnswer.OfflineCause,
        errorCause: PrinterStatusAnswer.ErrorCause, paperSensor: PrinterStatusAnswer.PaperSensor, drawerOpenWhenPin3High: Bool
    ) {
        online = !printer.offline
        coverOpen = offlineCause.coverOpen
        paperOut = paperSensor.paperOut || offlineCause.stoppedByPaperEnd
        paperNearEnd = paperSensor.nearEnd || paperOut
        drawerOpen = printer.drawerPin3High == drawerOpenWhenPin3High
        error = offlineCause.errorOccurred || errorCause.any ? errorCause : nil
    }

    /// A printer that takes a job and prints it now: online, cover closed, paper in, no error.
    public var isReady: Bool { online && !coverOpen && !paperOut && error == nil }

    /// The most urgent condition.
    public var condition: Condition {
        if coverOpen { return .coverOpen }
        if paperOut { return .paperOut }
        if error != nil { return .error }
        if !online { return .offline }
        if paperNearEnd { return .paperNearEnd }
        return .ready
    }
}
