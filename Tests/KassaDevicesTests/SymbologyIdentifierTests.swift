import Testing
@testable import KassaDevices

/// The AIM identifier before the data names the symbology and whether the data is GS1.
@Suite struct SymbologyIdentifierTests {
    @Test(arguments: [
        ("]E0", Symbology.ean13, false), ("]E4", .ean8, false), ("]E3", .ean13, false),
        ("]C1", .gs1128, true), ("]C0", .code128, false), ("]C2", .code128, false),
        ("]d2", .gs1DataMatrix, true), ("]d5", .gs1DataMatrix, true), ("]d1", .dataMatrix, false),
        ("]Q3", .gs1QR, true), ("]Q1", .qr, false), ("]e0", .gs1DataBar, true),
        ("]A0", .code39, false), ("]I1", .itf, false), ("]z0", .unknown, false),
    ])
    func anIdentifierNamesItsSymbology(text: String, symbology: Symbology, isGS1: Bool) throws {
        let identifier = try #require(SymbologyIdentifier(prefixOf: Array((text + "123").utf8)))
        #expect(identifier.symbology == symbology)
        #expect(identifier.isGS1 == isGS1)
        #expect(identifier.description == text)
    }

    @Test func dataThatMerelyStartsWithABracketHasNoIdentifier() {
        #expect(SymbologyIdentifier(prefixOf: Array("]".utf8)) == nil)
        #expect(SymbologyIdentifier(prefixOf: Array("]E".utf8)) == nil)
        #expect(SymbologyIdentifier(prefixOf: Array("]1a".utf8)) == nil)
        #expect(SymbologyIdentifier(prefixOf: Array("]Ex12".utf8)) == nil)
        #expect(SymbologyIdentifier(prefixOf: Array("4006381333931".utf8)) == nil)
    }

    @Test func theIdentifierIsNotPartOfTheBarcodesText() throws {
        let barcode = try Barcode(scanned: Array("]E04006381333931".utf8))
        #expect(barcode.text == "4006381333931")
        #expect(barcode.identifier?.description == "]E0")
        #expect(barcode.symbology == .ean13)
    }
}
