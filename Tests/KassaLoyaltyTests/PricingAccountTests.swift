import KassaCore
import KassaTestSupport
import Testing

/// The customer a quote prices for is the one the table holds: every aggregate pricing reads
/// comes back from `CustomerTable.pricingAccount` as it went in, whether the customer's packed
/// history is short enough to sit inside the table's record or long enough to need an array of
/// its own.
struct PricingAccountTests {
    /// A customer with `dayCount` days of purchases and `categoryCount` categories bought.
    static func account(_ number: UInt64, dayCount: Int, categoryCount: Int) -> CustomerAccount {
        var profile = Fixture.customer()
        profile.card = CardNumber(value: 7_000_000_000_000 + number, digits: 13)!
        profile.name = "Customer \(number)"
        var account = CustomerAccount(profile: profile)
        let today = Fixture.morning.localDay
        for index in 0..<dayCount {
            // Spends from two to eight varint bytes, so that lengths cross the inline bound.
            let spend = Int64(index + 1) << (7 * (index % 7) + 1)
            account.recentDays.append(DayActivity(day: today - Int32(3 * (dayCount - index)), visits: Int32(1 + index % 3), spend: spend))
        }
        account.categorySpend = (0..<categoryCount).map { CategorySpend(category: "category-\($0)", spend: Int64($0 + 1) * 1_000_00) }
        account.visits = account.recentDays.reduce(0) { $0 + $1.visits }
        account.lifetimeSpend = account.recentDays.reduce(0) { $0 + $1.spend }
        account.firstVisitDay = account.recentDays.first?.day
        account.lastVisitDay = account.recentDays.last?.day
        account.points = Int64(number) * 7
        return account
    }

    @Test func everyLengthOfHistoryComesBackAsItWentIn() {
        var table = CustomerTable()
        var accounts: [CustomerAccount] = []
        for dayCount in 0..<12 {
            for categoryCount in 0..<4 {
                let account = PricingAccountTests.account(UInt64(accounts.count), dayCount: dayCount, categoryCount: categoryCount)
                accounts.append(account)
                table.insert(account)
            }
        }
        #expect(table.count == accounts.count)
        for account in accounts {
            #expect(table.account(account.profile.card) == account)
            let priced = table.pricingAccount(account.profile.card)
            #expect(priced?.recentDays == account.recentDays)
            #expect(priced?.points == account.points)
            #expect(priced?.visits == account.visits)
            #expect(priced?.lifetimeSpend == account.lifetimeSpend)
            #expect(priced?.firstVisitDay == account.firstVisitDay)
            #expect(priced?.lastVisitDay == account.lastVisitDay)
            #expect(priced?.categorySpend == [])
        }
    }

    @Test func aHistoryReplacedByALongerOrShorterOneReadsAsTheNewOne() {
        var table = CustomerTable()
        let short = PricingAccountTests.account(1, dayCount: 1, categoryCount: 0)
        var long = PricingAccountTests.account(1, dayCount: 11, categoryCount: 3)
        long.profile = short.profile
        table.insert(short)
        table.insert(long)
        #expect(table.account(short.profile.card) == long)
        table.insert(short)
        #expect(table.account(short.profile.card) == short)
        #expect(table.count == 1)
    }
}
