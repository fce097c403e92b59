import Testing
import KassaCore
import KassaTestSupport

@Suite("Idempotency by id")
struct IdempotencyTests {
    @Test func theSameIdAndBodyAnswersTheOriginalAndAppliesNothing() throws {
        var ledger = Ledger()
        let receipt = Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "2", 8990)])
        guard case .applied(_, let first) = ledger.apply(.sale(receipt), at: Fixture.morning, pricing: ListPricing()) else {
            Issue.record("not applied"); return
        }
        let later = Fixture.time("2026-11-22T11:00:00+03:00")
        guard case .duplicate(let second) = ledger.apply(.sale(receipt), at: later, pricing: ListPricing()) else {
            Issue.record("retry was not recognised"); return
        }
        #expect(first == second)
        #expect(ledger.stats.receipts == 1)
        #expect(ledger.lastSeq == 1)
        #expect(ledger.shifts["T07"]?.open?.receipts == 1)
    }

    @Test func theSameIdWithADifferentBodyIsAConflict() {
        var ledger = Ledger()
        _ = ledger.run(.sale(Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "2", 8990)])))
        let changed = Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "3", 8990)])
        let error = ledger.run(.sale(changed)).error
        #expect(error?.code == .idConflict)
        #expect(ledger.stats.receipts == 1)
    }

    @Test func returnsAreIdempotentToo() throws {
        var ledger = Ledger()
        _ = ledger.run(.sale(Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "2", 8990)])))
        let request = Fixture.returning("R1", sale: "S1", [(Fixture.milk, "1")])
        _ = ledger.run(.saleReturn(request))
        _ = ledger.run(.saleReturn(request))
        #expect(ledger.stats.returns == 1)
        #expect(ledger.receipts.sale("S1")?.lines[0].returnedQty == Quantity(pieces: 1))
        #expect(ledger.run(.saleReturn(Fixture.returning("R1", sale: "S1", [(Fixture.milk, "0.5")]))).error?.code == .idConflict)
    }

    @Test func receiptsOlderThanTheWindowAreForgotten() {
        var limits = LedgerLimits()
        limits.receiptWindowDays = 2
        var ledger = Ledger(limits: limits)
        _ = ledger.run(.sale(Fixture.receipt("OLD", lines: [Fixture.line(Fixture.milk, "1", 100)])), at: Fixture.time("2026-11-20T10:00:00+03:00"))
        _ = ledger.run(.sale(Fixture.receipt("NEW", lines: [Fixture.line(Fixture.milk, "1", 100)])), at: Fixture.time("2026-11-22T10:00:00+03:00"))
        #expect(ledger.receipts.sale("OLD") == nil)
        #expect(ledger.receipts.sale("NEW") != nil)
        #expect(ledger.run(.saleReturn(Fixture.returning("R", sale: "OLD", [(Fixture.milk, "1")]))).error?.code == .unknownSale)
    }

    @Test func theIndexNeverHoldsMoreThanItsLimit() {
        var limits = LedgerLimits()
        limits.receiptIndexMax = 10
        var ledger = Ledger(limits: limits)
        for i in 0..<25 {
            _ = ledger.run(.sale(Fixture.receipt("S\(i)", lines: [Fixture.line(Fixture.milk, "1", 100)])))
        }
        #expect(ledger.receipts.count == 10)
        #expect(ledger.receipts.sale("S14") == nil)
        #expect(ledger.receipts.sale("S15") != nil)
    }

    @Test func enrollingTheSameCardTwiceWithOtherDetailsIsRefused() {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        #expect(ledger.run(.enrol(Fixture.customer())).error == nil)
        #expect(ledger.stats.customers == 1)
        #expect(ledger.run(.enrol(Fixture.customer(name: "Someone Else"))).error?.code == .customerExists)
    }
}

@Suite("Shifts")
struct ShiftTests {
    @Test func aShiftOpensWithItsFirstSaleAndCloseAnswersTheZReport() throws {
        var ledger = Ledger()
        _ = ledger.run(.sale(Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "2", 1000)], payments: [Payment(method: .cash, amount: 2000)])))
        _ = ledger.run(.sale(Fixture.receipt("S2", lines: [Fixture.line(Fixture.milk, "1", 1000)], payments: [Payment(method: .card, amount: 1000)])))
        _ = ledger.run(.saleReturn(Fixture.returning("R1", sale: "S1", [(Fixture.milk, "1")])))
        _ = ledger.run(.void(SaleVoid(id: "V1", sale: "S2", terminal: "T07", cashier: "C12", at: Fixture.morning)))
        guard case .success(.shift(let z)) = ledger.run(.closeShift(terminal: "T07")) else { Issue.record("close refused"); return }
        #expect(z.number == 1)
        #expect(z.receipts == 2)
        #expect(z.sales == 3000)
        #expect(z.payments == [PaymentTotal(method: "cash", amount: 2000), PaymentTotal(method: "card", amount: 1000)])
        #expect(z.returns == 1 && z.returnsTotal == 1000)
        #expect(z.voids == 1 && z.voidsTotal == 1000)
        #expect(z.net == 1000)
        #expect(z.closedAt != nil)
        #expect(ledger.run(.closeShift(terminal: "T07")).error?.code == .unknownTerminal)
        _ = ledger.run(.sale(Fixture.receipt("S3", lines: [Fixture.line(Fixture.milk, "1", 1000)])))
        #expect(ledger.shifts["T07"]?.open?.number == 2)
        #expect(ledger.shifts["T07"]?.open?.receipts == 1)
    }

    @Test func openingAnOpenShiftChangesNothing() {
        var ledger = Ledger()
        _ = ledger.run(.openShift(terminal: "T01"))
        let seq = ledger.lastSeq
        _ = ledger.run(.openShift(terminal: "T01"))
        #expect(ledger.lastSeq == seq)
        #expect(ledger.shifts["T01"]?.open?.number == 1)
    }

    @Test func aPrecheckMadeOnAnotherThreadDecidesExactlyLikeTheWriter() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        let first = Fixture.receipt("S1", customer: Fixture.card(), lines: [Fixture.line(Fixture.milk, "2", 8990)])
        _ = try ledger.mustSell(.sale(first))
        var conflictingAndInvalid = first
        conflictingAndInvalid.lines = [Fixture.line(Fixture.milk, "0", 8990)]
        var invalid = conflictingAndInvalid
        invalid.id = "S2"
        let fresh = Fixture.receipt("S3", lines: [Fixture.line(Fixture.bread, "1", 4590)])
        // A retry, an id conflict whose body is also invalid (the conflict is what is reported),
        // an invalid receipt, and a new valid one.
        for receipt in [first, conflictingAndInvalid, invalid, fresh] {
            let plain = ledger.prepare(.sale(receipt), at: Fixture.morning, pricing: ListPricing())
            let prechecked = ledger.prepare(.sale(receipt), at: Fixture.morning, pricing: ListPricing(),
                                            precheck: SalePrecheck(receipt, limits: ledger.limits))
            #expect(plain == prechecked, "\(receipt.id)")
        }
        guard case .rejected(let error) = ledger.prepare(.sale(conflictingAndInvalid), at: Fixture.morning, pricing: ListPricing(),
                                                          precheck: SalePrecheck(conflictingAndInvalid, limits: ledger.limits))
        else { Issue.record("accepted"); return }
        #expect(error.code == .idConflict)
    }
}
