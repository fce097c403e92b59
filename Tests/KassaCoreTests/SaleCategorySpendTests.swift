import Testing
@testable import KassaCore
import KassaTestSupport

@Suite("A sale adds its spend per category to the packed spend by number")
struct SaleCategorySpendTests {
    func account(_ card: String, days: [DayActivity], spend: [CategorySpend]) -> CustomerAccount {
        var account = CustomerAccount(profile: Customer(card: Fixture.card(card), phone: "+79001234567", name: "Анна",
                                                        enrolledAt: Fixture.time("2026-11-22T10:15:00.250+03:00")))
        account.visits = 3
        account.recentDays = days
        account.categorySpend = spend
        return account
    }

    /// The same account as the spend added by name through `update`: categories held keep their
    /// place, new ones follow in the order of the sale's nets, the days are as `body` left them.
    @Test func addingByNumberMatchesAddingByName() {
        var names = InternTable<String>()
        let meat = names.intern("мясо"), dairy = names.intern("dairy"), empty = names.intern(""), bakery = names.intern("bakery")
        let nets = [CategoryNet(category: dairy, spend: 70), CategoryNet(category: meat, spend: -5),
                    CategoryNet(category: empty, spend: 3), CategoryNet(category: bakery, spend: 0)]
        let cases = [
            account("7000123456789", days: [DayActivity(day: 20_000, visits: 1, spend: 9)],
                    spend: [CategorySpend(category: "мясо", spend: 5), CategorySpend(category: "frozen", spend: 1)]),
            account("7000123456796", days: [], spend: []),
            account("7000123456802", days: [DayActivity(day: 19_990, visits: 2, spend: 4)], spend: []),
        ]
        for original in cases {
            var byNumber = CustomerTable(), byName = CustomerTable()
            // A category numbered in the table before, so that its numbers differ from `names`.
            byNumber.insert(account("7000000000017", days: [], spend: [CategorySpend(category: "drinks", spend: 1)]))
            byName.insert(account("7000000000017", days: [], spend: [CategorySpend(category: "drinks", spend: 1)]))
            byNumber.insert(original)
            byName.insert(original)
            let card = original.profile.card
            byNumber.update(card, addingSpend: nets, named: names) { $0.record(day: 20_001, visits: 1, spend: 68, retentionDays: 30) }
            byName.update(card) { aggregates in
                aggregates.record(day: 20_001, visits: 1, spend: 68, retentionDays: 30)
                for net in nets { aggregates.record(category: names[net.category], spend: net.spend) }
            }
            #expect(byNumber.account(card) == byName.account(card))
            #expect(byNumber == byName)
        }
    }
}
