import Testing
@testable import KassaCore
import KassaTestSupport

@Suite("SKUs decode from the journal exactly as they validate")
struct SKUDecodingTests {
    func decode(_ code: String) throws(DecodeError) -> SKU {
        var writer = BinaryWriter()
        writer.write(code)
        let bytes = writer.bytes
        let result: Result<SKU, DecodeError> = bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(raw)
            return Result { () throws(DecodeError) in
                let sku = try reader.readSKU()
                guard reader.isAtEnd else { throw DecodeError("not at end", offset: reader.offset) }
                return sku
            }
        }
        return try result.get()
    }

    @Test(arguments: ["46012340", "036000291452", "4607001234562", "2100001000011", "10012345678902", "PLU-4011",
                      "0000001", "123456789", "1234567890123456789012345", String(repeating: "A", count: 64)])
    func aValidCodeDecodesToTheSKUItValidatesAs(code: String) throws {
        let sku = try decode(code)
        let validated = try SKU(validating: code)
        #expect(sku == validated)
        #expect(sku.kind == validated.kind)
    }

    @Test(arguments: ["46012341", "036000291453", "4607001234563", "10012345678903", "", "PLU 4011", "PLU\u{7F}",
                      "460700123456\u{1F}", "мясо", String(repeating: "A", count: 65)])
    func anInvalidCodeIsADecodeError(code: String) {
        #expect(throws: DecodeError.self) { try decode(code) }
    }

    @Test func aWrongCheckDigitNamesTheExpectedOne() {
        #expect(throws: SKU.Problem.badCheckDigit(kind: .ean13, expected: 2)) { try SKU(validating: "4607001234563") }
        #expect(throws: SKU.Problem.badCheckDigit(kind: .ean8, expected: 0)) { try SKU(validating: "46012341") }
        #expect(throws: SKU.Problem.badCharacter) { try SKU(validating: "460700123456 ") }
        #expect(throws: SKU.Problem.badLength(0)) { try SKU(validating: "") }
    }

    @Test func aTruncatedSKUIsADecodeError() throws {
        var writer = BinaryWriter()
        writer.write("4607001234562")
        let bytes = Array(writer.bytes.dropLast())
        #expect(throws: DecodeError.self) {
            let result: Result<SKU, DecodeError> = bytes.withUnsafeBytes { raw in
                var reader = BinaryReader(raw)
                return Result { () throws(DecodeError) in try reader.readSKU() }
            }
            _ = try result.get()
        }
    }
}
