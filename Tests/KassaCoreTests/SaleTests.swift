import Testing
import KassaCore
import KassaTestSupport

@Suite("Registering sales")
struct SaleTests {
    @Test func aSaleIsPricedAndCountedOnTheCustomer() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        let receipt = Fixture.receipt("S1-T07-000123", customer: Fixture.card(), lines: [
            Fixture.line(Fixture.milk, "2", 8990),
            Fixture.line(Fixture.meat, "0.755", 54900, category: "meat"),
        ], payments: [Payment(method: .card, amount: 17980 + 41450)])
        let sale = try ledger.mustSell(.sale(receipt), pricing: OnePercentPoints())
        #expect(sale.subtotal == 59430)
        #expect(sale.total == 59430)
        #expect(sale.lines.map(\.priced.amount) == [17980, 41450])
        #expect(sale.pointsEarned == 594)
        #expect(sale.pointsBalanceAfter == 594)
        #expect(sale.seq == 2)
        let account = try #require(ledger.customers.account(Fixture.card()))
        #expect(account.visits == 1)
        #expect(account.lifetimeSpend == 59430)
        #expect(account.points == 594)
        #expect(account.spend(lastDays: 365, today: Fixture.morning.localDay) == 59430)
        #expect(account.categorySpend.first { $0.category == "meat" }?.spend == 41450)
        #expect(account.firstVisitDay == Fixture.morning.localDay)
        #expect(ledger.stats.receipts == 1)
        #expect(ledger.stats.lines == 2)
        #expect(ledger.stats.revenue == 59430)
    }

    /// A line's category is text shown to people: any letters, no control characters (C0 or
    /// DEL), in whatever part of the text they hide, and at most 64 bytes.
    @Test func aCategoryWithAControlCharacterIsRefusedAndNothingElseIs() {
        let refused = ["\u{7}", "meat\n", "Мя\u{1F}со", "\u{7F}", "dairy\u{0}", String(repeating: "я", count: 33), ""]
        let accepted = ["meat", "Мясо и птица", "\u{85}NEL is not C0", "雪🍖", String(repeating: "я", count: 32), "a b\u{A0}c"]
        for (category, shouldPass) in refused.map({ ($0, false) }) + accepted.map({ ($0, true) }) {
            var ledger = Ledger()
            let receipt = Fixture.receipt("C-\(category.utf8.count)", lines: [Fixture.line(Fixture.milk, "1", 8990),
                                                                          Fixture.line(Fixture.meat, "0.5", 54900, category: category)])
            let error = ledger.run(.sale(receipt)).error
            if shouldPass {
                #expect(error == nil, "\(category.debugDescription)")
            } else {
                #expect(error?.code == .invalidField && error?.field == "lines[1].category", "\(category.debugDescription)")
            }
        }
    }

    @Test func paymentsMustAddUpToTheTotalAndTheMessageSaysTheTotal() {
        var ledger = Ledger()
        let receipt = Fixture.receipt("R1", lines: [Fixture.line(Fixture.milk, "2", 8990)],
                                      payments: [Payment(method: .cash, amount: 17000)])
        let error = ledger.run(.sale(receipt)).error
        #expect(error?.code == .paymentMismatch)
        #expect(error?.message.contains("17980") == true)
        #expect(ledger.lastSeq == 0)
    }

    @Test("bad lines are refused and change nothing", arguments: [
        ("0", Int64(100), "lines[0].qty"), ("-1", 100, "lines[0].qty"), ("1", -1, "lines[0].price"),
        ("1", 10_000_000_001, "lines[0].price"), ("1000000.001", 1, "lines[0].qty"),
    ])
    func badLines(qty: String, price: Int64, field: String) {
        var ledger = Ledger()
        let error = ledger.run(.sale(Fixture.receipt("R1", lines: [Fixture.line(Fixture.milk, qty, price)]))).error
        #expect(error?.code == .invalidField)
        #expect(error?.field == field)
        #expect(ledger.stats == LedgerStats())
        #expect(ledger.lastSeq == 0)
    }

    @Test func fiveHundredLinesAreAcceptedAndFiveHundredAndOneAreNot() {
        var ledger = Ledger()
        let line = Fixture.line(Fixture.milk, "1", 100)
        #expect(ledger.run(.sale(Fixture.receipt("R500", lines: Array(repeating: line, count: 500)))).error == nil)
        #expect(ledger.run(.sale(Fixture.receipt("R501", lines: Array(repeating: line, count: 501)))).error?.code == .tooManyLines)
        #expect(ledger.run(.sale(Fixture.receipt("R0", lines: []))).error?.code == .invalidField)
    }

    @Test func anUnknownCardIsRefused() {
        var ledger = Ledger()
        let error = ledger.run(.sale(Fixture.receipt("R1", customer: Fixture.card("7000000000001"), lines: [Fixture.line(Fixture.milk, "1", 100)]))).error
        #expect(error?.code == .unknownCustomer)
        #expect(error?.field == "customer")
    }

    @Test func pointsPaymentsSpendTheBalanceAndNeverOverdraw() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        let card = Fixture.card()
        _ = try ledger.mustSell(.sale(Fixture.receipt("R1", customer: card, lines: [Fixture.line(Fixture.milk, "10", 10000)])), pricing: OnePercentPoints())
        #expect(ledger.customers.account(card)?.points == 1000)
        // 1000 points × 1.00 = 1000.00 = 100000 minor; ask for 1001 points.
        let tooMuch = Fixture.receipt("R2", customer: card, lines: [Fixture.line(Fixture.milk, "20", 10000)],
                                      payments: [Payment(method: .points, amount: 100_100), Payment(method: .cash, amount: 99_900)])
        #expect(ledger.run(.sale(tooMuch), pricing: OnePercentPoints()).error?.code == .insufficientPoints)
        let partial = Fixture.receipt("R3", customer: card, lines: [Fixture.line(Fixture.milk, "20", 10000)],
                                      payments: [Payment(method: .points, amount: 30_000), Payment(method: .cash, amount: 170_000)])
        let sale = try ledger.mustSell(.sale(partial), pricing: OnePercentPoints())
        #expect(sale.pointsSpent == 300)
        #expect(sale.pointsEarned == 2000)
        let points = ledger.customers.account(card)?.points ?? -1
        #expect(points == 1000 - 300 + 2000)
        let fractional = Fixture.receipt("R4", customer: card, lines: [Fixture.line(Fixture.milk, "1", 150)],
                                         payments: [Payment(method: .points, amount: 150)])
        #expect(ledger.run(.sale(fractional)).error?.field == "payments[0].amount")
    }

    @Test func rollingSpendForgetsDaysOutsideTheWindow() throws {
        var ledger = Ledger()
        let card = Fixture.card()
        _ = ledger.run(.enrol(Fixture.customer()))
        let old = Fixture.time("2025-11-22T12:00:00+03:00")
        let recent = Fixture.time("2026-11-21T12:00:00+03:00")
        _ = ledger.run(.sale(Fixture.receipt("OLD", customer: card, at: old, lines: [Fixture.line(Fixture.milk, "1", 1000)])))
        _ = ledger.run(.sale(Fixture.receipt("NEW", customer: card, at: recent, lines: [Fixture.line(Fixture.milk, "1", 500)])))
        let account = try #require(ledger.customers.account(card))
        let today = Fixture.time("2026-11-22T12:00:00+03:00").localDay
        // 2025-11-22 is exactly 365 days before 2026-11-22: outside "the last 365 days".
        #expect(account.spend(lastDays: 365, today: today) == 500)
        #expect(account.spend(lastDays: 366, today: today) == 1500)
        #expect(account.visits(lastDays: 2, today: today) == 1)
        #expect(account.lifetimeSpend == 1500)
    }
}
