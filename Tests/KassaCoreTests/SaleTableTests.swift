import KassaTestSupport
import Testing
@testable import KassaCore

@Suite("The sale table holds what a dictionary of packed sales by id would")
struct SaleTableTests {
    /// A packed sale as the table sees it: its id, then `body`.
    private func sale(_ id: String, _ body: [UInt8]) -> PackedSale {
        PackedSale(bytes: [UInt8(id.utf8.count)] + Array(id.utf8) + body)
    }

    @Test func setReplacesAndRemoveForgets() {
        var table = SaleTable()
        #expect(table["R1"] == nil)
        #expect(table.remove("R1") == nil)
        table.set(sale("R1", [1]), for: "R1")
        table.set(sale("R2", [2]), for: "R2")
        table.set(sale("R1", [3]), for: "R1")
        #expect(table.count == 2)
        #expect(table["R1"]?.bytes == sale("R1", [3]).bytes)
        #expect(table.remove("R1")?.bytes == sale("R1", [3]).bytes)
        #expect(table["R1"] == nil)
        #expect(table["R2"]?.bytes == sale("R2", [2]).bytes)
        #expect(table.count == 1)
    }

    @Test func aPackedSaleKnowsItsId() {
        let packed = sale("receipt-from-lane-7-of-the-long-kind", [9, 9])
        #expect(packed.id == "receipt-from-lane-7-of-the-long-kind")
        #expect(packed.isPacked(with: "receipt-from-lane-7-of-the-long-kind"))
        #expect(!packed.isPacked(with: "receipt-from-lane-7-of-the-long-kin"))
        #expect(!packed.isPacked(with: "receipt-from-lane-7-of-the-long-kindx"))
        #expect(!sale("", []).isPacked(with: "R1"))
        #expect(sale("", []).isPacked(with: ""))
    }

    /// Oldest first, as the receipt index removes, and at random, with the table growing, full
    /// to three quarters and drained: every id stays found after the slots around it move back.
    @Test func removalsKeepEveryOtherIdFound() {
        churn(SaleTable(), steps: 30_000, ids: 12_000)
    }

    /// The same with only three bits of each hash kept, so that most ids share their hash with
    /// others: a probe must tell them apart by the id the sale was packed with, and a removal
    /// must move back the slots of other ids of the same hash.
    @Test func idsOfTheSameHashAreToldApartByTheirSales() {
        churn(SaleTable(hashBits: 0b1110), steps: 3_000, ids: 600)
    }

    /// Growing from empty moves every sale to a new slot by its kept hash: each stays found.
    @Test func growingKeepsEverySaleFound() {
        var table = SaleTable()
        var model: [String: [UInt8]] = [:]
        for number in 0..<5_000 {
            let id = number % 3 == 0 ? "receipt-from-lane-\(number)-of-the-long-kind" : "R\(number)"
            let packed = sale(id, [UInt8(truncatingIfNeeded: number)])
            table.set(packed, for: id)
            model[id] = packed.bytes
            // Just after each doubling (16, 32, … slots at three quarters full), check all.
            if (number + 1).nonzeroBitCount == 1 || number % 997 == 0 { expectSame(table, model) }
        }
        expectSame(table, model)
    }

    private func churn(_ start: SaleTable, steps: Int, ids: UInt64) {
        var generator = SeededGenerator(seed: 7)
        var table = start
        var model: [String: [UInt8]] = [:]
        var arrivals: [String] = []
        var oldest = 0
        for step in 0..<steps {
            let roll = generator.next() % 10
            if roll < 6 || model.isEmpty {
                // Long ids as well as short ones, and ids used again after they were removed.
                let number = Int(generator.next() % ids)
                let id = number % 3 == 0 ? "receipt-from-lane-\(number)-of-the-long-kind" : "R\(number)"
                let packed = sale(id, [UInt8(truncatingIfNeeded: step), UInt8(truncatingIfNeeded: step >> 8)])
                table.set(packed, for: id)
                model[id] = packed.bytes
                arrivals.append(id)
            } else if roll < 8, oldest < arrivals.count {
                let id = arrivals[oldest]
                oldest += 1
                #expect(table.remove(id)?.bytes == model.removeValue(forKey: id))
            } else {
                let id = "R\(generator.next() % ids)"
                #expect(table.remove(id)?.bytes == model.removeValue(forKey: id))
            }
            if step % 1_000 == 999 { expectSame(table, model) }
        }
        expectSame(table, model)
        for id in Array(model.keys) { #expect(table.remove(id)?.bytes == model.removeValue(forKey: id)) }
        expectSame(table, model)
    }

    private func expectSame(_ table: SaleTable, _ model: [String: [UInt8]]) {
        #expect(table.count == model.count)
        for (id, bytes) in model { #expect(table[id]?.bytes == bytes, "id \(id)") }
        var seen: [String: [UInt8]] = [:]
        for packed in table.sales { seen[packed.id] = packed.bytes }
        #expect(seen == model)
    }
}
