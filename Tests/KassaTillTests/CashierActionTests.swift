import KassaCore
import Testing
@testable import KassaTill

/// The cashier's input lines of the contract, and the garbage a keyboard or a scanner can type.
@Suite struct CashierActionTests {
    @Test func everyContractActionParses() throws {
        #expect(try CashierAction.parse("4600000000017") == .scan("4600000000017"))
        #expect(try CashierAction.parse("qty 3") == .quantity(Quantity(pieces: 3)))
        #expect(try CashierAction.parse("qty 0.755") == .quantity(Quantity(thousandths: 755)))
        #expect(try CashierAction.parse("card 7000123456789") == .card(CardNumber("7000123456789")!))
        #expect(try CashierAction.parse("void") == .voidLast)
        #expect(try CashierAction.parse("total") == .total)
        #expect(try CashierAction.parse("pay cash 600.00") == .pay(.cash, amount: 60_000))
        #expect(try CashierAction.parse("pay cash 600.5") == .pay(.cash, amount: 60_050))
        #expect(try CashierAction.parse("pay card") == .pay(.card, amount: nil))
        #expect(try CashierAction.parse("pay points 120") == .pay(.points, amount: 120))
        #expect(try CashierAction.parse("cancel") == .cancel)
        #expect(try CashierAction.parse("close-shift") == .closeShift)
        #expect(try CashierAction.parse("quit\r") == .quit)
        #expect(try CashierAction.parse("   ") == nil)
    }

    @Test func malformedLinesSayWhatIsAccepted() {
        for line in ["qty", "qty -1", "qty 0", "qty 1.2345", "card 12", "card abc", "pay", "pay cheque", "pay cash 1.234",
                     "pay cash -5", "pay points 1.5", "void now", "two words", String(repeating: "9", count: 600)] {
            #expect(throws: CashierInputError.self, "\(line)") { try CashierAction.parse(line) }
        }
    }

    @Test func aQuantityTheServerWouldRefuseIsRefusedAtTheTill() throws {
        #expect(try CashierAction.parse("qty 1000000") == .quantity(Quantity.lineMax))
        #expect(throws: CashierInputError.self) { try CashierAction.parse("qty 1000000.001") }
        #expect(throws: CashierInputError.self) { try CashierAction.parse("qty 999999999999") }
    }
}
