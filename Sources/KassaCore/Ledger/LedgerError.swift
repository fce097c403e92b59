/// Why the Ledger refused a command. Nothing in the Ledger changes when one is thrown.
///
/// The service maps `code` to an HTTP status and the contract's snake_case error code in one
/// table at the edge; `message` says what is wrong and how to fix it.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of refusal.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidField = "invalid_field"
            case tooManyLines = "too_many_lines"
            case paymentMismatch = "payment_mismatch"
            case idConflict = "id_conflict"
            case unknownSale = "unknown_sale"
            case unknownCustomer = "unknown_customer"
            case unknownTerminal = "unknown_shift"
            case customerExists = "customer_exists"
            case returnExceedsSale = "return_exceeds_sale"
            case saleVoided = "sale_voided"
            case saleHasReturns = "sale_has_returns"
            case insufficientPoints = "insufficient_points"
            case amountOverflow = "amount_overflow"
            case tooLarge = "too_large"
        }
        private let base: Base

        /// A field is missing, malformed or out of range.
        public static let invalidField = Code(base: .invalidField)
        /// More lines than a receipt may carry.
        public static let tooManyLines = Code(base: .tooManyLines)
        /// Payments do not add up to the total after discounts.
        public static let paymentMismatch = Code(base: .paymentMismatch)
        /// The id was used before with a different body.
        public static let idConflict = Code(base: .idConflict)
        /// The sale a return or void refers to is unknown (or outside the kept window).
        public static let unknownSale = Code(base: .unknownSale)
        /// The loyalty card is not enrolled.
        public static let unknownCustomer = Code(base: .unknownCustomer)
        /// The terminal has no shift.
        public static let unknownTerminal = Code(base: .unknownTerminal)
        /// The card is already enrolled with other details.
        public static let customerExists = Code(base: .customerExists)
        /// A return asks for more than is left of a sale line.
        public static let returnExceedsSale = Code(base: .returnExceedsSale)
        /// The sale was voided; nothing more can be returned or voided.
        public static let saleVoided = Code(base: .saleVoided)
        /// The sale has returns and cannot be voided as a whole.
        public static let saleHasReturns = Code(base: .saleHasReturns)
        /// The customer's points do not cover the points payment.
        public static let insufficientPoints = Code(base: .insufficientPoints)
        /// An amount is too large to represent.
        public static let amountOverflow = Code(base: .amountOverflow)
        /// The change is too large to journal as one record.
        public static let tooLarge = Code(base: .tooLarge)

        /// The contract's snake_case code.
        public var description: String { base.rawValue }
    }

    /// The kind of refusal.
    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String
    /// The field at fault, as a JSON path (`lines[2].qty`), when one is.
    public var field: String?

    /// A refusal.
    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// `code: message (field)`.
    public var description: String { "\(code): \(message)" + (field.map { " (\($0))" } ?? "") }
}
