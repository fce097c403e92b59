import KassaTestSupport
import Testing
@testable import KassaCore

@Suite("The sale table holds what a dictionary of packed sales by id would")
struct SaleTableTests {
    @Test func setReplacesAndRemoveForgets() {
        var table = SaleTable()
        #expect(table["R1"] == nil)
        #expect(table.remove("R1") == nil)
        table.set(PackedSale(bytes: [1]), for: "R1")
        table.set(PackedSale(bytes: [2]), for: "R2")
        table.set(PackedSale(bytes: [3]), for: "R1")
        #expect(table.count == 2)
        #expect(table["R1"]?.bytes == [3])
        #expect(table.remove("R1")?.bytes == [3])
        #expect(table["R1"] == nil)
        #expect(table["R2"]?.bytes == [2])
        #expect(table.count == 1)
    }

    /// Oldest first, as the receipt index removes, and at random, with the table growing, full
    /// to three quarters and drained: every id stays found after the slots around it move back.
    @Test func removalsKeepEveryOtherIdFound() {
        var generator = SeededGenerator(seed: 7)
        var table = SaleTable()
        var model: [String: [UInt8]] = [:]
        var arrivals: [String] = []
        var oldest = 0
        for step in 0..<30_000 {
            let roll = generator.next() % 10
            if roll < 6 || model.isEmpty {
                // Long ids as well as short ones, and ids used again after they were removed.
                let number = Int(generator.next() % 12_000)
                let id = number % 3 == 0 ? "receipt-from-lane-\(number)-of-the-long-kind" : "R\(number)"
                let bytes = [UInt8(truncatingIfNeeded: step), UInt8(truncatingIfNeeded: step >> 8)]
                table.set(PackedSale(bytes: bytes), for: id)
                model[id] = bytes
                arrivals.append(id)
            } else if roll < 8, oldest < arrivals.count {
                let id = arrivals[oldest]
                oldest += 1
                #expect(table.remove(id)?.bytes == model.removeValue(forKey: id))
            } else {
                let id = "R\(generator.next() % 12_000)"
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
        for entry in table.entries { seen[entry.id] = entry.sale.bytes }
        #expect(seen == model)
    }
}
