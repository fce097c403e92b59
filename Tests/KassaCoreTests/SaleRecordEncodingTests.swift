import Testing
@testable import KassaCore
import KassaTestSupport

/// A sale's journal bytes are the format: the bounded writer must write exactly what the
/// journal has always held, which the field-by-field writer below spells out.
@Suite("A sale's journal encoding")
struct SaleRecordEncodingTests {
    /// The sale's journal bytes written one field at a time with `BinaryWriter`'s primitives, in
    /// the journal's field order.
    func reference(_ s: SaleRecord) -> [UInt8] {
        var w = BinaryWriter()
        w.writeFixed(s.fingerprint)
        w.write(s.id); w.write(s.store); w.write(s.terminal); w.write(s.cashier); w.write(s.at)
        w.write(s.customer) { $0.write($1) }
        w.write(s.lines) { w, sold in
            w.write(sold.line.sku); w.write(sold.line.qty); w.writeVarint(sold.line.price)
            w.write(sold.line.category) { $0.write($1) }
            w.writeVarint(sold.priced.amount); w.writeVarint(sold.priced.discount)
            w.write(sold.priced.rules) { $0.write($1) }
            w.write(sold.priced.category)
        }
        w.write(s.payments) { $0.write($1) }
        w.writeVarint(s.pointsEarned); w.writeVarint(s.pointsSpent); w.writeVarint(s.pointsBalanceAfter)
        w.write(s.tier) { $0.write($1) }
        w.writeVarint(UInt64(s.rulesVersion))
        w.writeVarint(s.pointsExpired)
        return w.bytes
    }

    func encoded(_ s: SaleRecord) -> [UInt8] {
        var w = BinaryWriter()
        w.write(s)
        return w.bytes
    }

    /// Extreme values, Cyrillic, an unknown payment method, absent customer, category and tier.
    func awkwardSales() -> [SaleRecord] {
        let lines = [
            SoldLine(line: Fixture.line(Fixture.milk, "2", 8990), priced: PricedLine(amount: 17980, discount: 0, rules: [], category: "dairy")),
            SoldLine(line: Fixture.line(Fixture.sku("036000291452"), "0.755", 54900, category: "мясо"),
                     priced: PricedLine(amount: 41000, discount: 500, rules: ["r1", "день рождения"], category: "мясо")),
            SoldLine(line: Fixture.line(Fixture.sku("9999999999999999999"), "1000000", Int64.max),
                     priced: PricedLine(amount: Int64.max, discount: Int64.min, rules: [String(repeating: "x", count: 300)], category: "")),
        ]
        let full = SaleRecord(seq: 7, fingerprint: .max, id: String(repeating: "Я", count: 200), store: "S1", terminal: "T07", cashier: "C12",
                              at: Fixture.time("2026-11-22T10:15:00.250+03:00"), customer: Fixture.card("0001234567"), lines: lines,
                              payments: [Payment(method: .points, amount: 100), Payment(method: .other("gift-card"), amount: -5),
                                         Payment(method: .cash, amount: 0), Payment(method: .card, amount: .max)],
                              pointsEarned: .max, pointsSpent: .min, pointsBalanceAfter: -1, tier: "золото", rulesVersion: .max,
                              pointsEarnedReversed: 0, pointsSpentRestored: 0, voided: false)
        var plain = full
        plain.customer = nil
        plain.tier = nil
        plain.payments = []
        plain.lines = []
        plain.id = ""
        var expired = full
        expired.pointsExpired = 1 << 40
        return [full, plain, expired]
    }

    @Test func awkwardSalesAreWrittenAsTheFieldsSpellOut() {
        for sale in awkwardSales() {
            let bytes = encoded(sale)
            #expect(bytes == reference(sale))
            #expect(bytes.count <= sale.journalBytesMax)
        }
    }

    @Test func anEntrysPayloadBoundCoversItsBytesForSalesOnly() {
        let latest = Timestamp(epochMilliseconds: .max, offsetMinutes: -720)
        for sale in awkwardSales() {
            let entry = LedgerEntry(seq: .max, at: latest, event: .saleRegistered(sale))
            let payload = LedgerEntryCodec.encode(entry)
            #expect(payload.count <= LedgerEntryCodec.payloadBytesMax(entry) ?? 0)
        }
        let shift = LedgerEntry(seq: 1, at: latest, event: .shiftOpened(terminal: "T-1"))
        #expect(LedgerEntryCodec.payloadBytesMax(shift) == nil)
    }

    @Test func generatedSalesAreWrittenAsTheFieldsSpellOutAndDecodeBack() throws {
        var random = SeededGenerator(seed: 0x5A1E)
        let words = ["", "a", "dairy", "мясо", "fruit & veg", String(repeating: "z", count: 130), "🍎"]
        for n in 0..<500 {
            var lines: [SoldLine] = []
            for _ in 0..<Int(random.next() % 40) {
                let category: String? = random.next() % 3 == 0 ? nil : words[Int(random.next() % UInt64(words.count))]
                let rules = (0..<Int(random.next() % 4)).map { _ in words[Int(random.next() % UInt64(words.count))] }
                let sku = random.next() % 2 == 0 ? Fixture.sku("4006381333931") : SKU(trusted: "PLU-\(random.next() % 100_000)", kind: .plain)
                let line = ReceiptLine(sku: sku,
                                       qty: Quantity(thousandths: Int64(bitPattern: random.next()) >> Int64(random.next() % 63)),
                                       price: Int64(bitPattern: random.next()) >> Int64(random.next() % 63), category: category)
                lines.append(SoldLine(line: line, priced: PricedLine(amount: Int64(bitPattern: random.next()) >> Int64(random.next() % 63),
                                                                     discount: Int64(random.next() % 100_000), rules: rules,
                                                                     category: words[Int(random.next() % UInt64(words.count))])))
            }
            var sale = awkwardSales()[0]
            sale.id = "R-\(n)-\(random.next())"
            sale.seq = UInt64(n + 1)
            sale.fingerprint = random.next()
            sale.lines = lines
            sale.customer = random.next() % 2 == 0 ? nil : Fixture.card(String(100_000 + random.next() % 900_000))
            sale.tier = random.next() % 2 == 0 ? nil : words[Int(random.next() % UInt64(words.count))]
            sale.pointsEarned = Int64(bitPattern: random.next()) >> Int64(random.next() % 63)
            sale.pointsExpired = Int64(random.next() % 1_000)
            let bytes = encoded(sale)
            #expect(bytes == reference(sale), "sale \(n)")
            #expect(bytes.count <= sale.journalBytesMax, "sale \(n)")
            // And the journal reads it back as it was.
            let entry = LedgerEntry(seq: sale.seq, at: sale.at, event: .saleRegistered(sale))
            let payload = LedgerEntryCodec.encode(entry)
            let decoded = try LedgerEntryCodec.decode(seq: entry.seq, payload: payload)
            #expect(decoded == entry, "sale \(n)")
            // The group committer reserves journal room by this bound before the sale is encoded.
            #expect(payload.count <= LedgerEntryCodec.payloadBytesMax(entry) ?? 0, "sale \(n)")
        }
    }
}
