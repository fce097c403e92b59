/// An ISO 4217 currency code packed into four bytes, so that money stays a cheap value.
public struct CurrencyCode: Hashable, Sendable, CustomStringConvertible {
    /// The three ASCII letters packed little-endian.
    public let packed: UInt32

    /// A code from three uppercase ASCII letters (`RUB`, `EUR`), or nil.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 3, bytes.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        packed = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16
    }

    /// The code as text.
    public var description: String {
        let bytes = [UInt8(packed & 0xFF), UInt8(packed >> 8 & 0xFF), UInt8(packed >> 16 & 0xFF)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Russian rouble, the default store currency.
    public static let rub = CurrencyCode("RUB")!
}

/// An amount of money: an integer number of minor units (kopecks, cents) in one currency.
///
/// Money is never a floating-point number in Kassa. Arithmetic that could overflow reports it
/// instead of wrapping, and amounts in different currencies never mix.
public struct Money: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Minor units: `8990` is 89.90.
    public var minorUnits: Int64
    /// The currency the amount is in.
    public var currency: CurrencyCode

    /// An amount of `minorUnits` in `currency`.
    public init(minorUnits: Int64, currency: CurrencyCode = .rub) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in `currency`.
    public static func zero(_ currency: CurrencyCode = .rub) -> Money { Money(minorUnits: 0, currency: currency) }

    /// The sum, or nil on overflow or a currency mismatch.
    public func adding(_ other: Money) -> Money? {
        guard currency == other.currency else { return nil }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        return overflow ? nil : Money(minorUnits: sum, currency: currency)
    }

    /// The difference, or nil on overflow or a currency mismatch.
    public func subtracting(_ other: Money) -> Money? {
        guard currency == other.currency else { return nil }
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        return overflow ? nil : Money(minorUnits: difference, currency: currency)
    }

    /// Orders amounts of one currency; amounts of different currencies order by currency first.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        lhs.currency == rhs.currency ? lhs.minorUnits < rhs.minorUnits : lhs.currency.packed < rhs.currency.packed
    }

    /// `89.90 RUB`: two decimals, the way receipts print amounts.
    public var description: String { "\(Money.decimalText(minorUnits)) \(currency)" }

    /// Minor units as a decimal with two places (`-0.05`, `1240.00`).
    public static func decimalText(_ minorUnits: Int64) -> String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        let units = magnitude / 100
        let cents = magnitude % 100
        return (negative ? "-" : "") + "\(units)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    /// Minor units for people to read, thousands grouped (`1,240.00`, `-0.05`). Written
    /// backwards into a fixed buffer: quotes' reasons and near misses hold several per answer.
    /// `Int64.min`, which has no positive counterpart, reads as `-0.00`, as it always did.
    public static func groupedText(_ minorUnits: Int64) -> String {
        var magnitude = minorUnits.magnitude > UInt64(Int64.max) ? 0 : minorUnits.magnitude
        // 19 digits, 6 commas, the point, the sign: 27 bytes at most.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var at = 32
            func put(_ byte: UInt8) { at -= 1; buffer[at] = byte }
            put(UInt8(ascii: "0") + UInt8(magnitude % 10)); magnitude /= 10
            put(UInt8(ascii: "0") + UInt8(magnitude % 10)); magnitude /= 10
            put(UInt8(ascii: "."))
            var digits = 0
            repeat {
                if digits > 0 && digits % 3 == 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "0") + UInt8(magnitude % 10))
                magnitude /= 10
                digits += 1
            } while magnitude > 0
            if minorUnits < 0 { put(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[at..<32]), as: UTF8.self)
        }
    }
}
