import Testing
@testable import KassaCore

@Suite("A journaled payment method's name is read as the method it names")
struct JournaledPaymentMethodTests {
    @Test(arguments: ["cash", "card", "points", "gift", "voucher-7", "cas", "cashx", "card1", "point", "pointsx", "Cash", "POINTS", ""])
    func theMethodReadFromBytesIsTheOneItsNameParsesTo(name: String) {
        let read = Array(name.utf8).withUnsafeBytes { JournaledSale.method($0) }
        #expect(read == PaymentMethod(name: name))
    }
}
