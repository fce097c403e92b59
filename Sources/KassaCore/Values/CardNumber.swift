/// A loyalty card number: 6 to 19 decimal digits, leading zeros significant.
///
/// Held as an integer and a length rather than as text so that ten million customers stay
/// compact in memory and hash quickly.
public struct CardNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The digits as a number.
    public let value: UInt64
    /// How many digits the card has (leading zeros count).
    public let digits: UInt8

    /// Fewest digits a card number may have.
    public static let digitsMin = 6
    /// Most digits a card number may have (19 digits always fit in UInt64).
    public static let digitsMax = 19

    /// Parses a card number of 6–19 ASCII digits, or nil.
    public init?(_ text: some StringProtocol) {
        let bytes = text.utf8
        guard bytes.count >= CardNumber.digitsMin, bytes.count <= CardNumber.digitsMax else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        self.value = value
        self.digits = UInt8(bytes.count)
    }

    /// A card number from parts that were a card number before (the customer table's records).
    init(unchecked value: UInt64, digits: UInt8) {
        self.value = value
        self.digits = digits
    }

    /// A card number from its parts, as stored in the journal; nil when they do not fit.
    public init?(value: UInt64, digits: UInt8) {
        guard Int(digits) >= CardNumber.digitsMin, Int(digits) <= CardNumber.digitsMax else { return nil }
        var limit: UInt64 = 1
        for _ in 0..<digits { limit = limit &* 10 }
        guard digits == 19 || value < limit else { return nil }
        self.value = value
        self.digits = digits
    }

    /// Orders by text.
    public static func < (lhs: CardNumber, rhs: CardNumber) -> Bool { lhs.description < rhs.description }

    /// The digits, zero-padded to the card's length.
    public var description: String {
        let raw = String(value)
        return raw.count >= Int(digits) ? raw : String(repeating: "0", count: Int(digits) - raw.count) + raw
    }
}
