/// Why a receipt, a printer command or a printer's answer could not be built or understood,
/// with a message that names the value and the limit it broke.
public struct EscPosError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds may be added; switch with a fallback where that matters.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case outOfRange, tooLong, invalidData, notSupported, invalidStatus, queueFull
        }
        private let kind: Kind

        /// A numeric parameter is outside what the command accepts.
        public static let outOfRange = Code(kind: .outOfRange)
        /// Data (text, barcode, QR code, a whole job) is longer than its limit.
        public static let tooLong = Code(kind: .tooLong)
        /// Data holds characters the command cannot carry (a letter in an EAN-13).
        public static let invalidData = Code(kind: .invalidData)
        /// The printer profile says the printer cannot do this (a QR code on a printer without).
        public static let notSupported = Code(kind: .notSupported)
        /// A byte from the printer cannot be the answer to the status request it was matched to.
        public static let invalidStatus = Code(kind: .invalidStatus)
        /// The print queue holds as many jobs as it may; the lane must wait or tell the cashier.
        public static let queueFull = Code(kind: .queueFull)

        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
