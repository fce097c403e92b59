import KassaCore
import KassaTestSupport
import Testing
@testable import KassaLoyalty

/// Rules on the customer: the regular-customer discount, the birthday, first purchase, win-back;
/// and the calendar they are judged by (the store's local day).
struct CustomerRuleTests {
    static let regular = Rule(id: "regular", name: "Regular customer", membersOnly: true,
                              kind: .regularCustomer(visits: 4, days: 30, percentBasisPoints: 200))

    struct Visits: Sendable, CustomTestStringConvertible {
        var days: [Int32]
        var qualifies: Bool
        var testDescription: String { "visits \(days) days ago" }
    }

    // Four visits within the last 30 days (today and the 29 days before it).
    static let visits: [Visits] = [
        Visits(days: [0, 5, 10, 29], qualifies: true),
        Visits(days: [5, 10, 20, 30], qualifies: false),
        Visits(days: [1, 2, 3], qualifies: false),
    ]

    @Test(arguments: visits)
    func regularCustomerNeedsVisitsWithinTheDays(_ v: Visits) throws {
        let program = Store.program([CustomerRuleTests.regular])
        let customer = Store.customer(days: v.days.map { ($0, 1, 500_00) })
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "10")]), customer: customer)
        #expect(quote.priced.discount == (v.qualifies ? 17_98 : 0))  // 2 % of 899.00
        #expect(quote.nearMisses.contains { if case .regularCustomer = $0 { true } else { false } } == !v.qualifies)
    }

    @Test
    func nearMissCountsThisVisit() throws {
        let program = Store.program([CustomerRuleTests.regular])
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "1")]), customer: Store.customer(days: [(3, 1, 500_00)]))
        // One visit so far and this one make two: two more are needed.
        #expect(quote.nearMisses == [.regularCustomer(rule: 0, visits: 2)])
        #expect(program.text(quote.nearMisses[0]) == "2 more visits within 30 days for the regular-customer discount (2 %)")
    }

    static let birthday = Rule(id: "birthday", name: "Birthday", membersOnly: true,
                               kind: .birthday(daysBefore: 3, daysAfter: 3, benefit: .percent(1_000)))

    struct Birthday: Sendable, CustomTestStringConvertible {
        var birthdate: String
        var at: String
        var applies: Bool
        var testDescription: String { "born \(birthdate), shopping \(at)" }
    }

    static let birthdays: [Birthday] = [
        Birthday(birthdate: "1990-05-17", at: "2026-05-14T10:00:00+03:00", applies: true),   // 3 days before
        Birthday(birthdate: "1990-05-17", at: "2026-05-13T23:59:59+03:00", applies: false),  // 4 days before
        Birthday(birthdate: "1990-05-17", at: "2026-05-20T23:59:59+03:00", applies: true),   // 3 days after, last second
        // Local midnight: 21:00 UTC on the 20th is already the 21st in Moscow, 4 days after.
        Birthday(birthdate: "1990-05-17", at: "2026-05-21T00:00:00+03:00", applies: false),
        Birthday(birthdate: "1990-05-17", at: "2026-05-20T21:30:00-03:00", applies: true),   // still the 20th there
        Birthday(birthdate: "1990-12-30", at: "2027-01-02T12:00:00+03:00", applies: true),   // across new year
        // 29 February: the 28th in a year without it, the 29th in a leap year.
        Birthday(birthdate: "2000-02-29", at: "2027-02-28T12:00:00+03:00", applies: true),
        Birthday(birthdate: "2000-02-29", at: "2027-03-03T12:00:00+03:00", applies: true),   // 3 days after the 28th
        Birthday(birthdate: "2000-02-29", at: "2027-03-04T12:00:00+03:00", applies: false),
        Birthday(birthdate: "2000-02-29", at: "2028-03-03T12:00:00+03:00", applies: true),   // 3 days after the 29th
        Birthday(birthdate: "2000-02-29", at: "2028-03-04T12:00:00+03:00", applies: false),
    ]

    @Test(arguments: birthdays)
    func birthdayAppliesWithinTheDaysAroundIt(_ b: Birthday) throws {
        let program = Store.program([CustomerRuleTests.birthday])
        let customer = Store.customer(birthdate: b.birthdate)
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "10")], at: Fixture.time(b.at)), customer: customer)
        #expect(quote.priced.discount == (b.applies ? 89_90 : 0))  // 10 % of 899.00
    }

    @Test
    func comingBirthdayIsANearMiss() throws {
        let program = Store.program([CustomerRuleTests.birthday])
        let customer = Store.customer(birthdate: "1990-05-17")
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "1")], at: Fixture.time("2026-05-10T10:00:00+03:00")),
                                    customer: customer)
        #expect(quote.nearMisses == [.birthday(rule: 0, days: 4)])
    }

    @Test
    func birthdayMultiplierMultipliesThePointsEarned() throws {
        let double = Rule(id: "birthday-points", name: "Birthday points", membersOnly: true,
                          kind: .birthday(daysBefore: 0, daysAfter: 0, benefit: .pointsMultiplier(2)))
        let program = Store.program([PointsRuleTests.points(), double])
        let quote = try Store.quote(program, Store.basket([Store.line(Store.milk, "10")], at: Fixture.time("2026-05-17T10:00:00+03:00")),
                                    customer: Store.customer(birthdate: "1990-05-17", days: [(1, 1, 100_00)]))
        #expect(quote.priced.pointsEarned == 16)
        #expect(quote.applied.contains(AppliedRule(rule: 1, level: nil, discount: 0, points: 8)))
    }

    @Test
    func firstPurchaseOnlyBeforeAnyPurchase() throws {
        let first = Rule(id: "welcome", name: "Welcome", membersOnly: true, kind: .firstPurchase(.amount(100_00)))
        let program = Store.program([first])
        let basket = Store.basket([Store.line(Store.milk, "10")])
        #expect(try Store.quote(program, basket, customer: Store.customer()).priced.discount == 100_00)
        #expect(try Store.quote(program, basket, customer: Store.customer(days: [(200, 1, 10_00)])).priced.discount == 0)
    }

    struct Absence: Sendable, CustomTestStringConvertible {
        var ago: Int32
        var applies: Bool
        var testDescription: String { "last visit \(ago) days ago" }
    }

    @Test(arguments: [Absence(ago: 89, applies: false), Absence(ago: 90, applies: true)])
    func winBackAfterTheDaysOfAbsence(_ a: Absence) throws {
        let winBack = Rule(id: "win-back", name: "We missed you", membersOnly: true, kind: .winBack(inactiveDays: 90, benefit: .percent(700)))
        let quote = try Store.quote(Store.program([winBack]), Store.basket([Store.line(Store.milk, "10")]),
                                    customer: Store.customer(days: [(a.ago, 1, 100_00)]))
        #expect(quote.priced.discount == (a.applies ? 62_93 : 0))  // 7 % of 899.00
    }

    struct Validity: Sendable, CustomTestStringConvertible {
        var at: String
        var applies: Bool
        var testDescription: String { at }
    }

    // Valid through 2026-11-22 in the store's time zone: the last second counts, the next
    // local midnight does not, although it is still the 22nd in UTC.
    @Test(arguments: [Validity(at: "2026-11-22T23:59:59+03:00", applies: true),
                      Validity(at: "2026-11-23T00:00:00+03:00", applies: false),
                      Validity(at: "2026-11-01T00:00:00+03:00", applies: true),
                      Validity(at: "2026-10-31T23:59:59+03:00", applies: false)])
    func validityDatesAreLocalDays(_ v: Validity) throws {
        let dairy = Rule.promotion("dairy", .percentOff(Target(categories: ["dairy"]), percentBasisPoints: 1_000),
                                   from: "2026-11-01", to: "2026-11-22")
        let quote = try Store.quote(Store.program([dairy]), Store.basket([Store.line(Store.milk, "10")], at: Fixture.time(v.at)))
        #expect(quote.priced.discount == (v.applies ? 89_90 : 0))
    }
}
