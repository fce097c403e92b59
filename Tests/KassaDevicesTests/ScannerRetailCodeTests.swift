import KassaCore
import KassaTestSupport
import Testing
@testable import KassaDevices

/// Retail codes carry a GS1 check digit; a wrong one is an error naming the code, a right one
/// gives the GTIN in the catalog's form.
@Suite struct ScannerRetailCodeTests {
    @Test(arguments: [
        ("]E04006381333931", Symbology.ean13, "4006381333931"),
        ("]E05901234123457", .ean13, "5901234123457"),
        ("]E496385074", .ean8, "96385074"),
        ("]E0036000291452", .upcA, "0036000291452"),
        ("]E00036000291452", .ean13, "0036000291452"),
        ("]E004252614", .upcE, "0042100005264"),
        ("]E001234565", .upcE, "0012345000065"),
        ("]I110012345678902", .itf, "10012345678902"),
        ("]E3400638133393112", .ean13, "4006381333931"),
    ])
    func aValidRetailCodeGivesItsCatalogGTIN(scanned: String, symbology: Symbology, gtin: String) throws {
        let barcode = try Barcode(scanned: Array(scanned.utf8))
        #expect(barcode.symbology == symbology)
        #expect(barcode.gtin?.code == gtin)
        #expect(barcode.elements == nil)
    }

    @Test(arguments: [
        ("]E04006381333932", "EAN-13 4006381333932"),
        ("]E496385075", "EAN-8 96385075"),
        ("]E0036000291453", "UPC-A 036000291453"),
        ("]E004252615", "UPC-E 04252615"),
        ("10012345678903", "GTIN-14 10012345678903"),
        ("4600439931257", "EAN-13 4600439931257"),
    ])
    func aWrongCheckDigitIsAnErrorThatNamesTheCode(scanned: String, named: String) {
        let error = #expect(throws: ScanError.self) { try Barcode(scanned: Array(scanned.utf8)) }
        #expect(error?.code == .badCheckDigit)
        #expect(error?.message.contains(named) == true)
    }

    @Test func withoutAnIdentifierTheLengthTellsTheKind() throws {
        #expect(try Barcode(scanned: Array("4600439931256".utf8)).gtin == SKU(trusted: "4600439931256", kind: .ean13))
        #expect(try Barcode(scanned: Array("46012340".utf8)).gtin?.kind == .ean8)
        #expect(try Barcode(scanned: Array("036000291452".utf8)).gtin?.code == "0036000291452")
        #expect(try Barcode(scanned: Array("04600439931256".utf8)).gtin?.code == "4600439931256")
        #expect(try Barcode(scanned: Array("CARD-000123".utf8)).gtin == nil)
    }

    @Test func aGTIN14ShrinksToTheShortestFormThatKeepsItApart() throws {
        #expect(RetailCode.catalogForm(Array("00000096385074".utf8)).code == "96385074")
        #expect(RetailCode.catalogForm(Array("04600439931256".utf8)).code == "4600439931256")
        #expect(RetailCode.catalogForm(Array("00036000291452".utf8)).code == "0036000291452")
        #expect(RetailCode.catalogForm(Array("10012345678902".utf8)).kind == .gtin14)
        // The catalog form is a SKU KassaCore itself accepts.
        for code in ["96385074", "4600439931256", "0036000291452", "10012345678902"] {
            #expect(throws: Never.self) { try SKU(validating: code) }
        }
    }

    @Test func theScannersCheckDigitAgreesWithTheCatalogs() {
        var random = SeededGenerator(seed: 13)
        for _ in 0..<1000 {
            let payload = (0..<Int(random.next() % 18)).map { _ in Int(random.next() % 10) }
            #expect(RetailCode.checkDigit(payload.map { UInt8($0) + 0x30 }) == SKU.checkDigit(payload: payload))
        }
    }

    @Test func upcEExpandsToItsUPCA() {
        #expect(RetailCode.expandUPCE(Array("04252614".utf8)).map { String(decoding: $0, as: UTF8.self) } == "042100005264")
        #expect(RetailCode.expandUPCE(Array("06543217".utf8)).map { String(decoding: $0, as: UTF8.self) } == "065100004327")
        #expect(RetailCode.expandUPCE(Array("01234565".utf8)).map { String(decoding: $0, as: UTF8.self) } == "012345000065")
        #expect(RetailCode.expandUPCE(Array("21234565".utf8)) == nil)
    }

    @Test func anEANOfTheWrongLengthIsNotARetailCode() {
        let error = #expect(throws: ScanError.self) { try Barcode(scanned: Array("]E0400638133".utf8)) }
        #expect(error?.code == .badRetailCode)
    }
}
