/// A loyalty customer as enrolled at the till or by staff.
public struct Customer: Hashable, Sendable {
    /// The card that identifies the customer.
    public var card: CardNumber
    /// Phone, as given (digits and `+`), or empty.
    public var phone: String
    /// Name, as given, or empty.
    public var name: String
    /// Birthdate, for the birthday rule.
    public var birthdate: LocalDate?
    /// Where the customer came from (`flyer`, `web`, `till`), for source effectiveness.
    public var source: String
    /// When the customer was enrolled.
    public var enrolledAt: Timestamp

    /// Longest name kept; a longer one is refused rather than cut.
    public static let nameLengthMax = 200
    /// Longest phone kept.
    public static let phoneLengthMax = 20
    /// Longest source code kept.
    public static let sourceLengthMax = 32

    /// A customer.
    public init(card: CardNumber, phone: String = "", name: String = "", birthdate: LocalDate? = nil,
                source: String = "", enrolledAt: Timestamp) {
        self.card = card
        self.phone = phone
        self.name = name
        self.birthdate = birthdate
        self.source = source
        self.enrolledAt = enrolledAt
    }
}
