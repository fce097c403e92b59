/// One element of a GS1 element string: an application identifier and its value.
public struct GS1Element: Hashable, Sendable, CustomStringConvertible {
    /// The application identifier and its rules.
    public let identifier: GS1ApplicationIdentifier
    /// The value, without the AI and without the separator that ended it.
    public let value: String
    /// The byte offset of the AI in the scanned data.
    public let position: Int

    /// An element of `identifier` holding `value`, found at `position`.
    public init(identifier: GS1ApplicationIdentifier, value: String, position: Int) {
        self.identifier = identifier
        self.value = value
        self.position = position
    }

    /// The AI as written: "01", "21", "3103".
    public var ai: String { identifier.description }

    /// For measures and amounts (31nn–36nn, 390n–395n), the value as an exact decimal with the
    /// decimal places the AI's last digit gives; nil for other AIs.
    public var decimal: GS1Decimal? {
        guard let places = identifier.decimalPlaces else { return nil }
        let digits = identifier.hasCurrency ? value.utf8.dropFirst(3) : value.utf8[...]
        // Values are at most 15 digits (checked while parsing), so they fit in an Int64.
        var significand: Int64 = 0
        for byte in digits { significand = significand &* 10 &+ Int64(byte &- 0x30) }
        return GS1Decimal(significand: significand, decimalPlaces: places)
    }

    /// For amounts in a named currency (391n, 393n), the ISO 4217 numeric code ("643" for the
    /// rouble); nil otherwise.
    public var currency: String? {
        identifier.hasCurrency ? String(value.prefix(3)) : nil
    }

    /// "(01)04600439931256".
    public var description: String { "(\(ai))\(value)" }
}
