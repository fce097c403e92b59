/// Why a device operation failed, in the categories UnifiedPOS uses, with a message a person
/// can act on ("the printer at /dev/ttyUSB0 is not connected: check the cable").
public struct DeviceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds may be added; switch with a fallback where that matters.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case offline, noHardware, timeout, busy, claimed, closed, invalidConfiguration, ioFailure
        }
        private let kind: Kind

        /// The device was there and stopped answering (unplugged, powered off, cable out).
        public static let offline = Code(kind: .offline)
        /// No device at the address (no such port, USB device or host).
        public static let noHardware = Code(kind: .noHardware)
        /// The device did not answer in time.
        public static let timeout = Code(kind: .timeout)
        /// The device is in use by another process (a lock, an exclusive open, a kernel driver).
        public static let busy = Code(kind: .busy)
        /// Another user of this process holds the device; release it first.
        public static let claimed = Code(kind: .claimed)
        /// The operation needs an open (or enabled) device.
        public static let closed = Code(kind: .closed)
        /// The device's settings are wrong (unknown baud rate, malformed address).
        public static let invalidConfiguration = Code(kind: .invalidConfiguration)
        /// Reading or writing failed for another reason; the message says which.
        public static let ioFailure = Code(kind: .ioFailure)

        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// The operating system's error number, when one caused this.
    public var errno: Int32?

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { "\(code): \(message)" }
}
