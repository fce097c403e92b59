/// A moment with the UTC offset it was recorded in: the store's local clock matters for
/// business days, shifts and birthdays, so the offset travels with the time.
///
/// The core never reads a clock; timestamps come in as values.
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var epochMilliseconds: Int64
    /// The offset from UTC of the clock that recorded it, in minutes (+180 for Moscow).
    public var offsetMinutes: Int16

    /// A timestamp from its parts.
    public init(epochMilliseconds: Int64, offsetMinutes: Int16 = 0) {
        self.epochMilliseconds = epochMilliseconds
        self.offsetMinutes = offsetMinutes
    }

    /// The local calendar day (days since 1970-01-01 on the recording clock).
    public var localDay: Int32 {
        let local = epochMilliseconds + Int64(offsetMinutes) * 60_000
        return Int32(floorDivide(local, 86_400_000))
    }

    /// The local calendar date.
    public var localDate: LocalDate { LocalDate(daysSinceEpoch: localDay) }

    /// Orders by the instant, then by offset, so that ordering agrees with equality.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.epochMilliseconds, lhs.offsetMinutes) < (rhs.epochMilliseconds, rhs.offsetMinutes)
    }

    /// RFC 3339 with the recorded offset (`2026-11-22T10:15:00+03:00`), milliseconds when present.
    public var description: String { RFC3339.format(self) }
}

/// Floor division for day arithmetic before 1970 (a birthdate in 1965).
@inlinable
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
