import Testing
import KassaCore
import KassaTestSupport

@Suite("Returns and voids")
struct ReturnAndVoidTests {
    /// A ledger with one enrolled customer and one sale `S` of 3 × milk at 33.33 and 0.755 kg of meat.
    func ledgerWithSale() throws -> Ledger {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        _ = try ledger.mustSell(.sale(Fixture.receipt("S", customer: Fixture.card(), lines: [
            Fixture.line(Fixture.milk, "3", 3333),
            Fixture.line(Fixture.meat, "0.755", 54900, category: "meat"),
        ])), pricing: OnePercentPoints())
        return ledger
    }

    @Test func partReturnsRefundProportionallyAndTheLastPartTakesTheRemainder() throws {
        var ledger = try ledgerWithSale()
        let first = ledger.run(.saleReturn(Fixture.returning("R1", sale: "S", [(Fixture.milk, "1")])))
        guard case .success(.saleReturn(let r1)) = first else { Issue.record("\(first)"); return }
        #expect(r1.refund == 3333)
        guard case .success(.saleReturn(let r2)) = ledger.run(.saleReturn(Fixture.returning("R2", sale: "S", [(Fixture.milk, "2")]))) else {
            Issue.record("second return refused"); return
        }
        #expect(r2.refund == 6666)
        let sale = try #require(ledger.receipts.sale("S"))
        #expect(sale.lines[0].refunded == sale.lines[0].priced.net)
        #expect(sale.lines[0].returnedQty == sale.lines[0].line.qty)
    }

    @Test func weighedReturnsRoundHalfUpAndNeverRefundMoreThanPaid() throws {
        var ledger = try ledgerWithSale()
        // 0.755 kg cost 414.50; 0.333 kg of it is 414.50 × 0.333 / 0.755 = 182.819… → 182.82.
        guard case .success(.saleReturn(let r)) = ledger.run(.saleReturn(Fixture.returning("R1", sale: "S", [(Fixture.meat, "0.333")]))) else {
            Issue.record("refused"); return
        }
        #expect(r.refund == 18282)
        guard case .success(.saleReturn(let rest)) = ledger.run(.saleReturn(Fixture.returning("R2", sale: "S", [(Fixture.meat, "0.422")]))) else {
            Issue.record("refused"); return
        }
        #expect(r.refund + rest.refund == 41450)
    }

    @Test func aSecondReturnExceedingWhatIsLeftIsRefusedAndChangesNothing() throws {
        var ledger = try ledgerWithSale()
        _ = ledger.run(.saleReturn(Fixture.returning("R1", sale: "S", [(Fixture.milk, "2")])))
        let before = ledger
        let error = ledger.run(.saleReturn(Fixture.returning("R2", sale: "S", [(Fixture.milk, "2")]))).error
        #expect(error?.code == .returnExceedsSale)
        #expect(error?.field == "lines[0].qty")
        #expect(error?.message.contains("only 1") == true)
        #expect(ledger == before)
    }

    @Test func returningWhatWasNeverSoldOrAnUnknownSaleIsRefused() throws {
        var ledger = try ledgerWithSale()
        #expect(ledger.run(.saleReturn(Fixture.returning("R1", sale: "S", [(Fixture.bread, "1")]))).error?.code == .returnExceedsSale)
        #expect(ledger.run(.saleReturn(Fixture.returning("R2", sale: "NOPE", [(Fixture.milk, "1")]))).error?.code == .unknownSale)
    }

    @Test func aFullReturnRestoresPointsSpendAndVisits() throws {
        var ledger = Ledger()
        let card = Fixture.card()
        _ = ledger.run(.enrol(Fixture.customer()))
        _ = try ledger.mustSell(.sale(Fixture.receipt("EARN", customer: card, lines: [Fixture.line(Fixture.milk, "5", 10000)])), pricing: OnePercentPoints())
        let before = try #require(ledger.customers.account(card))
        let sale = try ledger.mustSell(.sale(Fixture.receipt("S", customer: card, lines: [Fixture.line(Fixture.milk, "3", 10000)],
            payments: [Payment(method: .points, amount: 10000), Payment(method: .cash, amount: 20000)])), pricing: OnePercentPoints())
        #expect(sale.pointsSpent == 100)
        _ = ledger.run(.saleReturn(Fixture.returning("R1", sale: "S", [(Fixture.milk, "1")])))
        _ = ledger.run(.saleReturn(Fixture.returning("R2", sale: "S", [(Fixture.milk, "2")])))
        let after = try #require(ledger.customers.account(card))
        #expect(after.points == before.points)
        #expect(after.visits == before.visits)
        #expect(after.lifetimeSpend == before.lifetimeSpend)
        #expect(after.spend(lastDays: 365, today: Fixture.morning.localDay) == before.spend(lastDays: 365, today: Fixture.morning.localDay))
        #expect(after.visits(lastDays: 30, today: Fixture.morning.localDay) == before.visits(lastDays: 30, today: Fixture.morning.localDay))
    }

    @Test func earnedPointsAlreadySpentAreNotTakenBelowZero() throws {
        var ledger = Ledger()
        let card = Fixture.card()
        _ = ledger.run(.enrol(Fixture.customer()))
        _ = try ledger.mustSell(.sale(Fixture.receipt("S", customer: card, lines: [Fixture.line(Fixture.milk, "10", 10000)])), pricing: OnePercentPoints())
        // Spend all 1000 earned points on a second sale.
        _ = try ledger.mustSell(.sale(Fixture.receipt("S2", customer: card, lines: [Fixture.line(Fixture.milk, "10", 10000)],
            payments: [Payment(method: .points, amount: 100_000)])))
        #expect(ledger.customers.account(card)?.points == 0)
        _ = ledger.run(.void(SaleVoid(id: "V1", sale: "S", terminal: "T07", cashier: "C12", at: Fixture.morning)))
        #expect(ledger.customers.account(card)?.points == 0)
    }

    @Test func aVoidReversesTheWholeSaleOnce() throws {
        var ledger = try ledgerWithSale()
        let card = Fixture.card()
        let void = SaleVoid(id: "V1", sale: "S", terminal: "T07", cashier: "C12", at: Fixture.morning, reason: "wrong customer")
        guard case .success(.void(let record)) = ledger.run(.void(void)) else { Issue.record("void refused"); return }
        #expect(record.refund == 9999 + 41450)
        let account = try #require(ledger.customers.account(card))
        #expect(account.points == 0)
        #expect(account.visits == 0)
        #expect(account.lifetimeSpend == 0)
        #expect(ledger.stats.revenue == 0)
        // The same void again answers the original; another void id is refused.
        guard case .success(.void(let again)) = ledger.run(.void(void)) else { Issue.record("retry refused"); return }
        #expect(again == record)
        let second = SaleVoid(id: "V2", sale: "S", terminal: "T07", cashier: "C12", at: Fixture.morning)
        #expect(ledger.run(.void(second)).error?.code == .saleVoided)
        #expect(ledger.run(.saleReturn(Fixture.returning("R1", sale: "S", [(Fixture.milk, "1")]))).error?.code == .saleVoided)
    }

    @Test func aReturnedSaleCannotBeVoided() throws {
        var ledger = try ledgerWithSale()
        _ = ledger.run(.saleReturn(Fixture.returning("R1", sale: "S", [(Fixture.milk, "1")])))
        let error = ledger.run(.void(SaleVoid(id: "V1", sale: "S", terminal: "T07", cashier: "C12", at: Fixture.morning))).error
        #expect(error?.code == .saleHasReturns)
    }
}
