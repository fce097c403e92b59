/// Why a scan could not be decoded, with a message that names the code, the part at fault and
/// where it sits, so that a cashier's supervisor or an installer can act on it.
public struct ScanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds may be added; switch with a fallback where that matters.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case frameTooLong, incompleteFrame, badCheckDigit, badRetailCode, unknownApplicationIdentifier, badConfiguration,
                 badElement, limitExceeded, malformedReport, notWeighedGoods
        }
        private let kind: Kind

        /// More bytes came without a suffix (or a pause) than a frame may hold; they were dropped.
        public static let frameTooLong = Code(kind: .frameTooLong)
        /// A frame stopped part-way (the scanner went quiet without its suffix); it was dropped.
        public static let incompleteFrame = Code(kind: .incompleteFrame)
        /// A GTIN, EAN, UPC or price check digit does not match the digits before it.
        public static let badCheckDigit = Code(kind: .badCheckDigit)
        /// A code that claims to be a retail code (by its symbology) has the wrong length or characters.
        public static let badRetailCode = Code(kind: .badRetailCode)
        /// A GS1 element string holds an application identifier this decoder does not know.
        public static let unknownApplicationIdentifier = Code(kind: .unknownApplicationIdentifier)
        /// A GS1 element's value is too short, too long or holds characters its AI does not allow.
        public static let badElement = Code(kind: .badElement)
        /// The input is larger than a limit allows (elements, length, reports per scan).
        public static let limitExceeded = Code(kind: .limitExceeded)
        /// A HID POS report has the wrong size, report id or data length.
        public static let malformedReport = Code(kind: .malformedReport)
        /// Scanner settings from the configuration (framing, a weighed-goods layout) are inconsistent.
        public static let badConfiguration = Code(kind: .badConfiguration)
        /// The code is not an in-store weighed-goods code of the configured layout.
        public static let notWeighedGoods = Code(kind: .notWeighedGoods)

        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, naming the code and the part at fault.
    public var message: String
    /// The byte offset in the scanned data where the fault was found, when there is one.
    public var position: Int?

    /// An error of `code` saying `message`, found at `position`.
    public init(_ code: Code, _ message: String, position: Int? = nil) {
        self.code = code
        self.message = message
        self.position = position
    }

    public var description: String {
        guard let position else { return "\(code): \(message)" }
        return "\(code) at \(position): \(message)"
    }
}
