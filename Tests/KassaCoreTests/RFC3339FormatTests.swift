import Testing
@testable import KassaCore

/// `RFC3339.format` writes bytes straight into the string; it must print exactly what the
/// printing a part at a time prints, and what parses back to the same instant and offset.
@Suite("RFC 3339 printing")
struct RFC3339FormatTests {
    @Test func printsWhatThePrintingByPartsPrintsAndParsesBack() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        // Years 1 to 9999, every offset a till may send, with and without milliseconds.
        let first = RFC3339.parse("0001-01-01T00:00:00Z")!.epochMilliseconds
        let last = RFC3339.parse("9999-12-31T23:59:59.999Z")!.epochMilliseconds
        for round in 0..<200_000 {
            var millis = first + Int64(next() % UInt64(last - first))
            if round % 2 == 0 { millis -= millis % 1000 }
            let offset = Int16(Int64(next() % (2 * 1439 + 1)) - 1439)
            let t = Timestamp(epochMilliseconds: millis, offsetMinutes: round % 5 == 0 ? 0 : offset)
            let text = RFC3339.format(t)
            #expect(text == RFC3339.formatByParts(t), "\(millis) \(offset)")
            let back = RFC3339.parse(text)
            // Outside years 1-9999 locally the text is printed but not parsed.
            if let back { #expect(back == t, "\(text)") }
        }
        for text in ["1970-01-01T00:00:00Z", "2026-11-22T00:30:00+03:00", "2026-11-22T10:15:00.250Z", "2026-03-29T02:30:00.001-09:30",
                     "9999-12-31T23:59:59.999+14:00", "0001-01-01T00:00:00-12:00", "2000-02-29T12:00:00+00:01"] {
            #expect(RFC3339.format(RFC3339.parse(text)!) == text)
        }
    }

    /// Dates beyond four-digit years and offsets of a hundred hours or more are printed as
    /// they always were.
    @Test func unusualInstantsAndOffsetsArePrintedByParts() {
        for t in [Timestamp(epochMilliseconds: -62_200_000_000_000, offsetMinutes: 0),
                  Timestamp(epochMilliseconds: 253_500_000_000_000, offsetMinutes: 60),
                  Timestamp(epochMilliseconds: 0, offsetMinutes: 6000),
                  Timestamp(epochMilliseconds: 0, offsetMinutes: -6001)] {
            #expect(RFC3339.format(t) == RFC3339.formatByParts(t))
        }
    }
}
