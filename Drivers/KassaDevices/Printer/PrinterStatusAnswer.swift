/// The one-byte answer to a `DLE EOT n` request, checked and taken apart.
///
/// Every answer has the same fixed bits (Epson's "ESC/POS Command Reference", `DLE EOT`):
/// bit 0 clear, bit 1 set, bit 4 set, bit 7 clear, so `byte & 0x93 == 0x12`. A byte without
/// them is not a status (noise, a misaligned answer, an Automatic Status Back block) and is
/// rejected. The other bits are kept as sent, so `byte` gives back exactly what was parsed.
public enum PrinterStatusAnswer: Hashable, Sendable {
    /// The answer to `DLE EOT 1`.
    case printer(Printer)
    /// The answer to `DLE EOT 2`.
    case offlineCause(OfflineCause)
    /// The answer to `DLE EOT 3`.
    case errorCause(ErrorCause)
    /// The answer to `DLE EOT 4`.
    case paperSensor(PaperSensor)

    /// The bits every answer has set among `fixedMask`.
    public static let fixedBits: UInt8 = 0x12
    /// The bits whose values are fixed: 0, 1, 4 and 7.
    public static let fixedMask: UInt8 = 0x93

    /// `DLE EOT 1`: printer status.
    public struct Printer: Hashable, Sendable {
        /// The byte as received.
        public let byte: UInt8
        /// Bit 2: the drawer kick-out connector's pin 3 is high (open or closed by wiring).
        public var drawerPin3High: Bool { byte & 0x04 != 0 }
        /// Bit 3: the printer is offline (cover open, paper out, error, or set offline).
        public var offline: Bool { byte & 0x08 != 0 }
        /// Bit 5: waiting for online recovery.
        public var waitingForOnlineRecovery: Bool { byte & 0x20 != 0 }
        /// Bit 6: the paper feed button is pressed.
        public var feedButtonPressed: Bool { byte & 0x40 != 0 }
    }

    /// `DLE EOT 2`: why the printer is offline.
    public struct OfflineCause: Hashable, Sendable {
        /// The byte as received.
        public let byte: UInt8
        /// Bit 2: the cover is open.
        public var coverOpen: Bool { byte & 0x04 != 0 }
        /// Bit 3: paper is being fed by the feed button.
        public var paperFedByButton: Bool { byte & 0x08 != 0 }
        /// Bit 5: printing stopped because the paper ran out.
        public var stoppedByPaperEnd: Bool { byte & 0x20 != 0 }
        /// Bit 6: an error occurred (`DLE EOT 3` says which).
        public var errorOccurred: Bool { byte & 0x40 != 0 }
    }

    /// `DLE EOT 3`: which error.
    public struct ErrorCause: Hashable, Sendable {
        /// The byte as received.
        public let byte: UInt8
        /// Bit 2: a recoverable error (recovered with `DLE ENQ`).
        public var recoverable: Bool { byte & 0x04 != 0 }
        /// Bit 3: the autocutter failed (a paper jam at the cutter).
        public var autocutter: Bool { byte & 0x08 != 0 }
        /// Bit 5: an unrecoverable error (the printer must be switched off and serviced).
        public var unrecoverable: Bool { byte & 0x20 != 0 }
        /// Bit 6: an error that clears by itself (the head cooled down).
        public var autoRecoverable: Bool { byte & 0x40 != 0 }
        /// Whether any error bit is set.
        public var any: Bool { byte & 0x6C != 0 }
    }

    /// `DLE EOT 4`: the roll paper sensors. Epson sets the bits of each sensor in pairs
    /// (2 and 3, 5 and 6); either bit of a pair is taken as the condition, because a printer
    /// that sets only one still means it.
    public struct PaperSensor: Hashable, Sendable {
        /// The byte as received.
        public let byte: UInt8
        /// Bits 2 and 3: the roll is near its end.
        public var nearEnd: Bool { byte & 0x0C != 0 }
        /// Bits 5 and 6: there is no paper.
        public var paperOut: Bool { byte & 0x60 != 0 }
    }

    /// Parses `byte` as the answer to `request`, or says why it cannot be one.
    public static func parse(_ byte: UInt8, answering request: PrinterStatusRequest) throws(EscPosError) -> PrinterStatusAnswer {
        guard byte & fixedMask == fixedBits else {
            throw EscPosError(
                .invalidStatus,
                "0x\(String(byte, radix: 16, uppercase: true)) cannot answer DLE EOT \(request.rawValue): bits 1 and 4 must be set and bits 0 and 7 clear")
        }
        switch request {
        case .printer: return .printer(Printer(byte: byte))
        case .offlineCause: return .offlineCause(OfflineCause(byte: byte))
        case .errorCause: return .errorCause(ErrorCause(byte: byte))
        case .paperSensor: return .paperSensor(PaperSensor(byte: byte))
        }
    }

    /// The request this answers.
    public var request: PrinterStatusRequest {
        switch self {
        case .printer: .printer
        case .offlineCause: .offlineCause
        case .errorCause: .errorCause
        case .paperSensor: .paperSensor
        }
    }

    /// The byte this answer was parsed from.
    public var byte: UInt8 {
        switch self {
        case .printer(let answer): answer.byte
        case .offlineCause(let answer): answer.byte
        case .errorCause(let answer): answer.byte
        case .paperSensor(let answer): answer.byte
        }
    }
}
