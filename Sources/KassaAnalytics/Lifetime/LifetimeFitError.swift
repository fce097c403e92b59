/// Why a lifetime model (BG/NBD or Gamma-Gamma) could not be fitted, with a message that says
/// what to change.
public struct LifetimeFitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; codes may be added, so switch with a fallback.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case noCustomers, noRepeatBuyers, invalidCustomer, nonFiniteLikelihood, didNotConverge
        }
        private let kind: Kind

        /// The fit was given no customers (or only customers of weight zero).
        public static let noCustomers = Code(kind: .noCustomers)
        /// Gamma-Gamma needs customers with at least one repeat purchase, and there were none.
        public static let noRepeatBuyers = Code(kind: .noRepeatBuyers)
        /// A customer's figures break the model's rules (recency beyond age, negative values…).
        public static let invalidCustomer = Code(kind: .invalidCustomer)
        /// The likelihood is not a finite number at the start or at the optimum.
        public static let nonFiniteLikelihood = Code(kind: .nonFiniteLikelihood)
        /// The minimiser ran out of iterations or could not make progress.
        public static let didNotConverge = Code(kind: .didNotConverge)

        /// The code's name.
        public var description: String {
            switch kind {
            case .noCustomers: "noCustomers"
            case .noRepeatBuyers: "noRepeatBuyers"
            case .invalidCustomer: "invalidCustomer"
            case .nonFiniteLikelihood: "nonFiniteLikelihood"
            case .didNotConverge: "didNotConverge"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String

    /// An error of `code`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
