import Testing
@testable import KassaCore
import KassaTestSupport

@Suite("The receipt index's packing primitives agree with the journal encoding")
struct PackingPrimitivesTests {
    static let unsigned: [UInt64] = [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, 1 << 35, UInt64(Int64.max), UInt64.max]
    static let signed: [Int64] = [0, 1, -1, 63, -64, 64, -65, 1 << 40, Int64.max, Int64.min]

    /// What a `FixedBufferWriter` holds after `body`, through a buffer of exactly `bound` bytes.
    func written(bound: Int, _ body: (inout FixedBufferWriter) -> Void) -> [UInt8] {
        withUnsafeTemporaryAllocation(byteCount: bound, alignment: 1) { buffer in
            var writer = FixedBufferWriter(buffer)
            body(&writer)
            return [UInt8](writer.written)
        }
    }

    @Test func aFixedBufferWritesTheBytesABinaryWriterAppends() {
        let time = Fixture.time("1965-03-01T23:59:59.999-05:30")
        var expected = BinaryWriter()
        for value in Self.unsigned { expected.writeVarint(value) }
        for value in Self.signed { expected.writeVarint(value) }
        expected.writeFixed(0xDEAD_BEEF_0123_4567)
        expected.write(time)
        expected.write(true)
        expected.write(UInt8(7))
        expected.write("мясо")
        expected.write("")
        let bound = (Self.unsigned.count + Self.signed.count + 3) * FixedBufferWriter.varintBytesMax + 8 + 2 + 8
        let actual = written(bound: bound) { w in
            for value in Self.unsigned { w.writeVarint(value) }
            for value in Self.signed { w.writeVarint(value) }
            w.writeFixed(0xDEAD_BEEF_0123_4567)
            w.write(time)
            w.write(true)
            w.write(UInt8(7))
            w.write("мясо")
            w.write("")
        }
        #expect(actual == expected.bytes)
    }

    /// Every length of varint, at its shortest and longest, and each one last in a buffer of
    /// exactly the reserved room: the word written at once stays within it.
    @Test func varintsOfEveryLengthAreTheJournalsBytes() {
        var values: [UInt64] = []
        for bits in 1...64 {
            let top: UInt64 = bits == 64 ? UInt64.max : (1 << UInt64(bits)) - 1
            values += [top, top >> 1 + 1, top ^ 0x5555_5555_5555_5555 & top]
        }
        for value in values {
            var expected = BinaryWriter()
            expected.writeVarint(value)
            #expect(written(bound: FixedBufferWriter.varintBytesMax) { $0.writeVarint(value) } == expected.bytes, "value \(value)")
        }
        var expected = BinaryWriter()
        for value in values { expected.writeVarint(value) }
        #expect(written(bound: values.count * FixedBufferWriter.varintBytesMax) { w in
            for value in values { w.writeVarint(value) }
        } == expected.bytes)
    }

    @Test func theBoundOfAPackedSaleCoversWhatIsPacked() {
        var index = ReceiptIndex()
        let sale = ReceiptIndexPackingTests().awkwardSale()
        let packed = index.pack(sale)
        #expect(packed.bytes.count <= ReceiptIndex.packedBytesMax(sale))
        #expect(index.unpack(packed) == sale)
    }

    @Test func aSaleWithMoreStringsThanAreHeldInlineComesBackEqual() {
        var index = ReceiptIndex()
        var sale = ReceiptIndexPackingTests().awkwardSale()
        let count = 17
        sale.lines = (0..<count).map { number in
            SoldLine(line: Fixture.line(Fixture.milk, "1", 100),
                     priced: PricedLine(amount: 100, discount: 0, rules: ["r\(number % 3)", "c1"], category: "c\(number % (count - 2))"))
        }
        index.insert(sale, seq: 42, day: 1)
        #expect(index.sale(sale.id) == sale)
    }

    @Test(arguments: [
        ("0", 0, 1), ("9", 9, 1), ("42", 42, 2), ("00012", 12, 5), ("4607001234562", 4_607_001_234_562, 13),
        ("9999999999999999999", 9_999_999_999_999_999_999, 19),
        ("46012340", 46_012_340, 8), ("000000001", 1, 9), ("036000291452", 36_000_291_452, 12),
        ("10000000000000", 10_000_000_000_000, 14), ("9876543210987654", 9_876_543_210_987_654, 16),
        ("12345678901234567", 12_345_678_901_234_567, 17),
    ] as [(String, UInt64, Int)])
    func allDigitCodesPackAsTheirNumber(code: String, value: UInt64, digits: Int) {
        var text = code
        let result = text.withUTF8 { ReceiptIndex.digitsValue($0) }
        #expect(result.0 == value)
        #expect(result.1 == digits)
        // Read from a buffer, as replay reads a journal record's SKU, the same.
        let inMemory = Array(code.utf8).withUnsafeBufferPointer { ReceiptIndex.digitsValue($0, inMemory: true) }
        #expect(inMemory.0 == value)
        #expect(inMemory.1 == digits)
    }

    @Test(arguments: ["", "12a4", "/0", ":9", "PLU-4011", "99999999999999999999", "1 2",
                      "4607001234a62", "460700123456:", "/460700123456", "12345678/", "1234567?", "@2345678901234"])
    func otherCodesPackAsText(code: String) {
        var text = code
        let result = text.withUTF8 { ReceiptIndex.digitsValue($0) }
        #expect(result.0 == 0)
        #expect(result.1 == 0)
        let inMemory = Array(code.utf8).withUnsafeBufferPointer { ReceiptIndex.digitsValue($0, inMemory: true) }
        #expect(inMemory.0 == 0)
        #expect(inMemory.1 == 0)
    }

    @Test func theIndexKeysAStringAsTheCategoryCacheDoesAtEveryLength() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(0x41 + $0 * 7 % 50) }
            bytes.withUnsafeBytes { raw in
                #expect(ReceiptIndex.key(raw) == CategoryCache.key(raw))
            }
        }
    }

    @Test func theLastEightBytesAreReadAlikeAtEveryLength() {
        for length in 8...16 {
            let bytes = (0..<length).map { UInt8(0x30 + $0 * 7 % 64) }
            bytes.withUnsafeBytes { raw in
                let first = raw.loadUnaligned(as: UInt64.self)
                #expect(ReceiptIndex.lastWord(raw, first: first) == raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
            }
        }
    }

    @Test func asciiIsToldFromOtherBytesAtEveryPosition() {
        for length in 0..<20 {
            let ascii = [UInt8](repeating: 0x7F, count: length)
            #expect(ascii.withUnsafeBytes { BinaryReader.isASCII($0) })
            for position in 0..<length {
                var bytes = ascii
                bytes[position] = 0x80
                #expect(!bytes.withUnsafeBytes { BinaryReader.isASCII($0) })
            }
        }
    }
}
