/// One receipt (or any ESC/POS document) to print, with the id the lane knows it by.
public struct PrintJob: Hashable, Sendable {
    /// The receipt id, or another id the lane chooses; reported back in the queue's actions.
    public let id: String
    /// The complete ESC/POS bytes, starting with `ESC @` so a resend starts clean.
    public let bytes: [UInt8]

    /// A job printing `bytes` under `id`.
    public init(id: String, bytes: [UInt8]) {
        self.id = id
        self.bytes = bytes
    }
}

/// Why a print job waits.
public enum PrinterFault: Hashable, Sendable, CustomStringConvertible {
    /// The paper ran out.
    case paperOut
    /// The cover is open.
    case coverOpen
    /// The printer reports an error (cutter jam, overheating, hardware).
    case error
    /// The printer is offline for another reason.
    case offline
    /// The printer did not answer a status request in time (off, unplugged, cable out).
    case notAnswering
    /// Writing the job failed; the bytes count as not sent.
    case writeFailed(DeviceError)

    /// The fault a status shows, or nil when the printer is ready.
    public init?(_ status: PrinterStatus) {
        switch status.condition {
        case .ready, .paperNearEnd: return nil
        case .paperOut: self = .paperOut
        case .coverOpen: self = .coverOpen
        case .error: self = .error
        case .offline: self = .offline
        }
    }

    public var description: String {
        switch self {
        case .paperOut: "the paper ran out: load a new roll"
        case .coverOpen: "the printer cover is open: close it"
        case .error: "the printer reports an error: check the cutter and the paper path"
        case .offline: "the printer is offline"
        case .notAnswering: "the printer does not answer: check its power and cable"
        case .writeFailed(let error): "sending the receipt failed (\(error.message))"
        }
    }
}
