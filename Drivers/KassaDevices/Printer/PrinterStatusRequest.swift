/// What a `DLE EOT n` status request asks for; the raw value is n.
public enum PrinterStatusRequest: UInt8, Hashable, Sendable, CaseIterable {
    /// n = 1: online or offline, and the drawer kick-out connector's pin 3.
    case printer = 1
    /// n = 2: why the printer is offline: cover open, paper fed by the button, paper end, error.
    case offlineCause = 2
    /// n = 3: which error: recoverable, autocutter, unrecoverable, auto-recoverable.
    case errorCause = 3
    /// n = 4: the roll paper sensors: near end, end.
    case paperSensor = 4
}
