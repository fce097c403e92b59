import Testing
import KassaCore
import KassaTestSupport

@Suite("Money, quantities and rounding")
struct MoneyAndQuantityTests {
    @Test("a line's amount is qty × price rounded half-up to a minor unit",
          arguments: [
            ("2", Int64(8990), Int64(17980)),
            ("0.755", 54900, 41450),   // 41449.5 → 41450
            ("0.001", 1499, 1),        // 1.499 → 1
            ("0.001", 1500, 2),        // 1.5 → 2 (half up)
            ("0.333", 3, 1),           // 0.999 → 1
            ("1.005", 100, 101),       // 100.5 → 101
            ("0.002", 250, 1),         // 0.5 → 1
          ])
    func halfUpLineAmounts(qty: String, price: Int64, expected: Int64) {
        #expect(Quantity(decimal: qty)!.amount(price: price) == expected)
    }

    @Test func groupedTextGroupsThousandsAndKeepsTwoDecimals() {
        #expect(Money.groupedText(0) == "0.00")
        #expect(Money.groupedText(5) == "0.05")
        #expect(Money.groupedText(-5) == "-0.05")
        #expect(Money.groupedText(124_000) == "1,240.00")
        #expect(Money.groupedText(99_999) == "999.99")
        #expect(Money.groupedText(100_000) == "1,000.00")
        #expect(Money.groupedText(-123_456_789) == "-1,234,567.89")
        #expect(Money.groupedText(Int64.max) == "92,233,720,368,547,758.07")
        #expect(Money.groupedText(-Int64.max) == "-92,233,720,368,547,758.07")
        #expect(Money.groupedText(Int64.min) == "-0.00")
        // Against grouping the plain decimal text by hand, over every length of number.
        var value: Int64 = 7
        for _ in 0..<18 {
            for candidate in [value, -value, value - 1, value + 1] {
                let plain = Money.decimalText(candidate.magnitude > UInt64(Int64.max) ? 0 : Int64(candidate.magnitude))
                let whole = Array(plain.prefix { $0 != "." })
                var grouped = ""
                for (index, digit) in whole.enumerated() {
                    if index > 0 && (whole.count - index) % 3 == 0 { grouped.append(",") }
                    grouped.append(digit)
                }
                let expected = (candidate < 0 ? "-" : "") + grouped + plain.drop { $0 != "." }
                #expect(Money.groupedText(candidate) == expected)
            }
            value = value * 10 + 3
        }
    }

    @Test func halfUpIsSymmetricForNegatives() {
        #expect(Rounding.halfUp(-15, dividedBy: 10) == -2)
        #expect(Rounding.halfUp(15, dividedBy: 10) == 2)
        #expect(Rounding.halfUp(14, dividedBy: 10) == 1)
        #expect(Rounding.scale(-1500, by: 1, dividedBy: 1000) == -2)
    }

    @Test func scalingDoesNotOverflowInTheMiddle() {
        // 9e18 × 3 / 3 would overflow Int64 in the product; the 128-bit path must not.
        #expect(Rounding.scale(3_000_000_000_000_000_000, by: 3, dividedBy: 3) == 3_000_000_000_000_000_000)
        #expect(Rounding.scale(Int64.max, by: 2, dividedBy: 1) == nil)
    }

    @Test("quantities take at most three decimals and nothing else",
          arguments: ["0.7555", "1e3", "", ".", "1.2.3", "abc", "1,5", " 1", "+1", "0x10", "99999999999999999999"])
    func quantityRejectsGarbage(text: String) {
        #expect(Quantity(decimal: text) == nil)
    }

    @Test func quantityParsesAndPrints() {
        #expect(Quantity(decimal: "0.755")?.thousandths == 755)
        #expect(Quantity(decimal: "12.5")?.thousandths == 12_500)
        #expect(Quantity(decimal: "2")?.thousandths == 2000)
        #expect(Quantity(decimal: "-1")?.thousandths == -1000)
        #expect(Quantity(thousandths: 755).description == "0.755")
        #expect(Quantity(thousandths: 1500).description == "1.5")
        #expect(Quantity(thousandths: 2050).description == "2.05")
        #expect(Quantity(thousandths: 3000).description == "3")
    }

    @Test func moneyArithmeticReportsOverflowAndCurrencyMismatch() {
        let a = Money(minorUnits: .max)
        #expect(a.adding(Money(minorUnits: 1)) == nil)
        #expect(Money(minorUnits: 1).adding(Money(minorUnits: 1, currency: CurrencyCode("EUR")!)) == nil)
        #expect(Money(minorUnits: 8990).description == "89.90 RUB")
        #expect(Money(minorUnits: -5).description == "-0.05 RUB")
        #expect(CurrencyCode("rub") == nil)
        #expect(CurrencyCode("EURO") == nil)
    }
}

@Suite("SKUs and GTIN check digits")
struct SKUTests {
    @Test("valid GTINs are recognised by length", arguments: [
        ("46012340", SKU.Kind.ean8), ("036000291452", .upcA), ("4607001234562", .ean13),
        ("2100001000011", .ean13), ("10614141000415", .gtin14),
    ])
    func validGTINs(code: String, kind: SKU.Kind) throws {
        #expect(try SKU(validating: code).kind == kind)
    }

    @Test("a wrong check digit is refused with the expected digit", arguments: [
        ("46012341", 0), ("036000291453", 2), ("4607001234567", 2), ("10614141000416", 5),
    ])
    func wrongCheckDigit(code: String, expected: Int) {
        #expect(throws: SKU.Problem.self) { try SKU(validating: code) }
        do {
            _ = try SKU(validating: code)
        } catch {
            if case .badCheckDigit(_, let digit) = error { #expect(digit == expected) } else { Issue.record("wrong problem \(error)") }
        }
    }

    @Test("other codes are plain SKUs", arguments: ["PLU-4011", "123", "1234567890", "ABC123456789012"])
    func plainCodes(code: String) throws {
        #expect(try SKU(validating: code).kind == .plain)
    }

    @Test("garbage is refused", arguments: ["", "with space", "tab\tcode", "кириллица", String(repeating: "9", count: 65)])
    func garbage(code: String) {
        #expect(throws: SKU.Problem.self) { try SKU(validating: code) }
    }
}

@Suite("Card numbers, dates and timestamps")
struct IdentityAndTimeTests {
    @Test func cardNumbersKeepLeadingZeros() {
        let card = CardNumber("0001234567")!
        #expect(card.description == "0001234567")
        #expect(card != CardNumber("1234567")!)
        #expect(CardNumber("12345") == nil)
        #expect(CardNumber("12345678901234567890") == nil)
        #expect(CardNumber("70001234a6789") == nil)
        #expect(CardNumber("9999999999999999999")?.description == "9999999999999999999")
    }

    @Test func datesValidateTheCalendar() {
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2027-02-29") == nil)
        #expect(LocalDate(iso: "2026-13-01") == nil)
        #expect(LocalDate(iso: "1990-5-17") == nil)
        let date = LocalDate(iso: "1965-03-01")!
        #expect(LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date)
        #expect(LocalDate(iso: "1970-01-01")!.daysSinceEpoch == 0)
        #expect(LocalDate(iso: "2000-03-01")!.daysSinceEpoch == 11017)
    }

    @Test func timestampsKeepTheirOffsetAndLocalDay() {
        let t = RFC3339.parse("2026-11-22T00:30:00+03:00")!
        #expect(t.epochMilliseconds == RFC3339.parse("2026-11-21T21:30:00Z")!.epochMilliseconds)
        #expect(t.localDate == LocalDate(iso: "2026-11-22"))
        #expect(RFC3339.parse("2026-11-21T21:30:00Z")!.localDate == LocalDate(iso: "2026-11-21"))
        #expect(t.description == "2026-11-22T00:30:00+03:00")
        #expect(RFC3339.parse("2026-11-22T10:15:00.25Z")!.description == "2026-11-22T10:15:00.250Z")
    }

    @Test func fractionsOfOneToNineDigitsAreReadToTheMillisecond() {
        // Four to nine digits once trapped the parser: one till's "at" could stop the server.
        for digits in 1...9 {
            let fraction = String("250000000".prefix(digits))
            let text = "2026-11-27T10:15:00.\(fraction)+03:00"
            let millis = digits == 1 ? "200" : "250"
            #expect(RFC3339.parse(text)?.description == "2026-11-27T10:15:00.\(millis)+03:00", "\(text)")
        }
        #expect(RFC3339.parse("2026-11-27T10:15:00.1234567891Z") == nil)
    }

    @Test("malformed timestamps are refused", arguments: [
        "2026-11-22", "2026-11-22T10:15:00", "2026-11-22T25:00:00Z", "2026-02-30T10:00:00Z",
        "2026-11-22T10:15:00+3:00", "garbage", "2026-11-22T10:15:00.Z", "2026-11-22T10:15:00Zjunk",
    ])
    func badTimestamps(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
