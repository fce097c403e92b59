import Testing
@testable import KassaCore

@Suite("A varint reads back wherever it lies, and a broken one is refused where it breaks")
struct BinaryReaderVarintTests {
    static let values: [UInt64] = [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, 0x1F_FFFF, 0x20_0000, 1 << 35, UInt64(Int64.max), UInt64.max]

    func encoded(_ value: UInt64) -> [UInt8] {
        var writer = BinaryWriter()
        writer.writeVarint(value)
        return writer.bytes
    }

    /// Reads one varint from `bytes`, giving it and where the reader stopped.
    func read(_ bytes: [UInt8]) throws(DecodeError) -> (UInt64, Int) {
        let result: Result<(UInt64, Int), DecodeError> = bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(raw)
            return Result { () throws(DecodeError) in (try reader.readVarint(), reader.offset) }
        }
        return try result.get()
    }

    @Test(arguments: values)
    func aVarintReadsBackAtTheEndOfTheBufferAndBeforeOtherBytes(value: UInt64) throws {
        let bytes = encoded(value)
        // At the very end the short form cannot look three bytes ahead; with bytes after it,
        // it can.
        #expect(try read(bytes) == (value, bytes.count))
        #expect(try read(bytes + [0x7F, 0x7F, 0x7F]) == (value, bytes.count))
    }

    @Test(arguments: values.filter { $0 >= 0x80 })
    func aVarintCutShortIsRefusedWhereItsNextByteWouldBe(value: UInt64) {
        let bytes = encoded(value)
        for cut in 1..<bytes.count {
            #expect(throws: DecodeError("unexpected end of record", offset: cut)) { try read(Array(bytes[0..<cut])) }
        }
    }

    @Test func aVarintLongerThanSixtyFourBitsIsRefused() {
        let tooLong = [UInt8](repeating: 0xFF, count: 9) + [0x02]
        #expect(throws: DecodeError("varint longer than 64 bits", offset: 9)) { try read(tooLong) }
        let eleven = [UInt8](repeating: 0x80, count: 10) + [0x00]
        #expect(throws: DecodeError("varint longer than 64 bits", offset: 9)) { try read(eleven) }
    }
}
