import KassaTestSupport
import Testing
@testable import KassaCore

@Suite("Packed sales share blocks, and each keeps its own bytes")
struct PackedSaleBlockTests {
    /// `count` bytes that differ from sale to sale.
    private func bytes(_ sale: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: sale &* 31 &+ $0) }
    }

    @Test func salesOfEverySizeKeepTheirBytesAcrossBlocks() {
        var index = ReceiptIndex()
        // Small sales filling many blocks, one larger than the largest block, an empty one.
        let sizes = (0..<2_000).map { 1 + ($0 * 37) % 700 } + [PackedSaleCursor.blockBytesMax + 1, 0, 5]
        let stored = sizes.enumerated().map { sale, count in
            bytes(sale, count: count).withUnsafeBytes { index.store($0) }
        }
        for (sale, count) in sizes.enumerated() { #expect(stored[sale].bytes == bytes(sale, count: count)) }
    }

    @Test func aFrontAndABodyAreStoredAsOneSale() {
        var index = ReceiptIndex()
        let front = bytes(1, count: 40), body = bytes(2, count: 600)
        let stored = front.withUnsafeBytes { front in body.withUnsafeBytes { body in index.store(front, body) } }
        #expect(stored.bytes == front + body)
    }

    @Test func copiesOfAnIndexPackIntoBlocksOfTheirOwn() {
        var first = ReceiptIndex()
        let shared = bytes(0, count: 100).withUnsafeBytes { first.store($0) }
        var second = first
        // Both copies pack after the copy: neither may write where the other's sales lie.
        let mine = bytes(1, count: 100).withUnsafeBytes { first.store($0) }
        let theirs = bytes(2, count: 100).withUnsafeBytes { second.store($0) }
        #expect(shared.bytes == bytes(0, count: 100))
        #expect(mine.bytes == bytes(1, count: 100))
        #expect(theirs.bytes == bytes(2, count: 100))
    }

    @Test func aCopiedLedgerRecordsSalesApartFromTheOriginal() {
        var original = Ledger()
        _ = original.run(.enrol(Fixture.customer()))
        _ = original.run(.sale(Fixture.receipt("A1", customer: Fixture.card(), lines: [Fixture.line(Fixture.milk, "1", 500)])))
        var copy = original
        _ = original.run(.sale(Fixture.receipt("A2", lines: [Fixture.line(Fixture.milk, "2", 500)])))
        _ = copy.run(.sale(Fixture.receipt("B2", lines: [Fixture.line(Fixture.milk, "3", 700)])))
        #expect(original.receipts.sale("A1")?.lines.first?.line.qty == copy.receipts.sale("A1")?.lines.first?.line.qty)
        #expect(original.receipts.sale("A2")?.lines.first?.line.price == 500)
        #expect(original.receipts.sale("B2") == nil)
        #expect(copy.receipts.sale("B2")?.lines.first?.line.price == 700)
        #expect(copy.receipts.sale("A2") == nil)
    }
}
