import Testing
@testable import KassaCore
import KassaTestSupport

@Suite("Fingerprints")
struct FingerprintTests {
    /// The streamed hash must equal FNV-1a over the journal encoding: fingerprints are journaled
    /// and compared with ones computed by earlier versions.
    @Test func aReceiptHashesToFNVOfItsEncoding() throws {
        let receipts = [
            Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "2", 8990)]),
            Fixture.receipt("S-2/ü", customer: Fixture.card("0001234567"), at: Fixture.time("1965-03-01T23:59:59.999-05:30"), lines: [
                Fixture.line(Fixture.meat, "0.755", 54900, category: "мясо"),
                Fixture.line(Fixture.sku("PLU-4011"), "1000000", 10_000_000_000, category: ""),
                Fixture.line(Fixture.bread, "0.001", 0),
            ], payments: [Payment(method: .cash, amount: 1), Payment(method: .points, amount: 100),
                          Payment(method: .other("gift-card"), amount: Int64.max), Payment(method: .card, amount: -5)]),
            Fixture.receipt(String(repeating: "x", count: 64), customer: Fixture.card("9999999999999999999"), lines: []),
        ]
        for receipt in receipts {
            var writer = BinaryWriter()
            writer.write(receipt)
            #expect(Fingerprint.of(receipt) == Fingerprint.of(writer.bytes))
        }
    }

    @Test func differentBodiesGetDifferentFingerprints() {
        let a = Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "2", 8990)])
        let b = Fixture.receipt("S1", lines: [Fixture.line(Fixture.milk, "3", 8990)])
        #expect(Fingerprint.of(a) != Fingerprint.of(b))
    }
}
