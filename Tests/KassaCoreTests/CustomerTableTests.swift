import Testing
@testable import KassaCore
import KassaTestSupport

@Suite("The customer table keeps accounts compact")
struct CustomerTableTests {
    func account(_ card: String, name: String = "Анна Петрова", days: [DayActivity] = [], spend: [CategorySpend] = []) -> CustomerAccount {
        var account = CustomerAccount(profile: Customer(card: Fixture.card(card), phone: "+79001234567", name: name,
                                                        birthdate: LocalDate(iso: "1965-03-01"), source: "flyer",
                                                        enrolledAt: Fixture.time("2026-11-22T10:15:00.250+03:00")))
        account.points = 1234
        account.visits = 3
        account.lifetimeSpend = -5
        account.firstVisitDay = -400
        account.lastVisitDay = 20_000
        account.recentDays = days
        account.categorySpend = spend
        return account
    }

    @Test func pricingSeesEveryAggregateButNoText() {
        var table = CustomerTable()
        let full = account("7000123456789", days: [DayActivity(day: -3, visits: 1, spend: 100), DayActivity(day: 20_000, visits: 2, spend: 7)],
                           spend: [CategorySpend(category: "мясо", spend: 5)])
        table.insert(full)
        var expected = full
        expected.profile.name = ""
        expected.profile.phone = ""
        expected.profile.source = ""
        expected.categorySpend = []
        #expect(table.pricingAccount(full.profile.card) == expected)
        #expect(table.pricingAccount(Fixture.card("7000000000017")) == nil)
    }

    @Test func anAccountComesBackEqual() {
        var table = CustomerTable()
        let full = account("7000123456789", days: [DayActivity(day: -3, visits: 1, spend: 100), DayActivity(day: 20_000, visits: -1, spend: -7)],
                           spend: [CategorySpend(category: "мясо", spend: 5), CategorySpend(category: "", spend: -1)])
        let bare = CustomerAccount(profile: Customer(card: Fixture.card("0001234567"), enrolledAt: Fixture.morning))
        table.insert(full)
        table.insert(bare)
        #expect(table.count == 2)
        #expect(table.account(full.profile.card) == full)
        #expect(table.account(bare.profile.card) == bare)
        #expect(table.account(Fixture.card("1234567")) == nil)
        #expect(Set(table.all.map(\.profile.card)) == [full.profile.card, bare.profile.card])
    }

    @Test func insertingAKnownCardReplacesIt() {
        var table = CustomerTable()
        table.insert(account("7000123456789"))
        let renamed = account("7000123456789", name: "Someone Else", spend: [CategorySpend(category: "dairy", spend: 1)])
        table.insert(renamed)
        #expect(table.count == 1)
        #expect(table.account(renamed.profile.card) == renamed)
    }

    @Test func manyCustomersAreAllFound() {
        var table = CustomerTable()
        table.reserve(10)
        for index in 0..<30_000 { table.insert(account(String(7_000_000_000_000 + index), name: "C\(index)")) }
        #expect(table.count == 30_000)
        for index in stride(from: 0, to: 30_000, by: 7) {
            #expect(table.account(Fixture.card(String(7_000_000_000_000 + index)))?.profile.name == "C\(index)")
        }
    }

    @Test func updatesChangeOnlyTheAggregates() {
        var table = CustomerTable()
        let before = account("7000123456789")
        table.insert(before)
        table.update(before.profile.card) { aggregates in
            aggregates.points += 1
            aggregates.record(day: 20_001, visits: 1, spend: 50, retentionDays: 400)
            aggregates.record(category: "dairy", spend: 50)
        }
        var expected = before
        expected.points += 1
        expected.recentDays = [DayActivity(day: 20_001, visits: 1, spend: 50)]
        expected.categorySpend = [CategorySpend(category: "dairy", spend: 50)]
        #expect(table.account(before.profile.card) == expected)
    }

    @Test func equalityIgnoresOrderOfInsertion() {
        var first = CustomerTable()
        var second = CustomerTable()
        let a = account("7000123456789", spend: [CategorySpend(category: "a", spend: 1)])
        let b = account("7000123456790", spend: [CategorySpend(category: "b", spend: 1)])
        first.insert(a); first.insert(b)
        second.insert(b); second.insert(a)
        #expect(first == second)
        second.insert(account("7000123456791"))
        #expect(first != second)
    }
}
