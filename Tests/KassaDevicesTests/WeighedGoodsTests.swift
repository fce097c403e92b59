import Foundation
import KassaCore
import Testing
@testable import KassaDevices

/// In-store EAN-13 codes with prefixes 20–29 carry the item and its weight or price where the
/// store's layout says; the catalog knows the item by the code with the value zeroed.
@Suite struct WeighedGoodsTests {
    @Test func theRussianScalesLayoutReadsItemAndGrams() throws {
        let code = try #require(try WeighedGoodsLayout.russianScales.decode("2100123007509"))
        #expect(code.itemCode == "00123")
        #expect(code.measure == .weight(Quantity(thousandths: 750)))
        #expect(code.lookupCode.code == "2100123000005")
        #expect(throws: Never.self) { try SKU(validating: code.lookupCode.code) }
    }

    @Test func theBuiltInLayoutIsWhatItsPatternSays() throws {
        let parsed = try WeighedGoodsLayout(prefixes: (20...29).map(String.init), pattern: "PP IIIII WWWWW C")
        #expect(parsed == WeighedGoodsLayout.russianScales)
    }

    @Test func aCodeWithAnotherPrefixIsNotWeighedGoods() throws {
        #expect(try WeighedGoodsLayout.russianScales.decode("4006381333931") == nil)
        #expect(try WeighedGoodsLayout.russianScales.decode("96385074") == nil)
        let onlyTwentyOne = try WeighedGoodsLayout(prefixes: ["21"], pattern: "PPIIIIIWWWWWC")
        #expect(try onlyTwentyOne.decode("2200123000002") == nil)
    }

    @Test func aPriceLayoutWithAFiveDigitPriceCheckDigitReadsMinorUnits() throws {
        let layout = try WeighedGoodsLayout(prefixes: ["20"], pattern: "PP IIII V MMMMM C")
        let code = try #require(try layout.decode("2012346146852"))
        #expect(code.itemCode == "1234")
        #expect(code.measure == .price(minorUnits: 14685))
        #expect(code.lookupCode.code == "2012340000000".prefix(12) + String(RetailCode.checkDigit(Array("201234000000".utf8))))
    }

    @Test func aFourDigitPriceCheckDigitIsCheckedToo() throws {
        let layout = try WeighedGoodsLayout(prefixes: ["22"], pattern: "PP IIIII V MMMM C")
        #expect(try layout.decode("2200123928757")?.measure == .price(minorUnits: 2875))
        let error = #expect(throws: ScanError.self) { try layout.decode("2200123028754") }
        #expect(error?.code == .badCheckDigit)
        #expect(error?.message.contains("2200123028754") == true)
    }

    @Test func thePublishedPriceCheckDigitExamplesHold() {
        #expect(WeighedGoodsLayout.valueCheckDigit([2, 8, 7, 5]) == 9)
        #expect(WeighedGoodsLayout.valueCheckDigit([1, 4, 6, 8, 5]) == 6)
    }

    @Test func aWrongEANCheckDigitOrAZeroWeightIsAnError() {
        let badCheck = #expect(throws: ScanError.self) { try WeighedGoodsLayout.russianScales.decode("2100123007508") }
        #expect(badCheck?.code == .badCheckDigit)
        let zero = #expect(throws: ScanError.self) { try WeighedGoodsLayout.russianScales.decode("2100123000005") }
        #expect(zero?.code == .notWeighedGoods)
    }

    @Test(arguments: [
        (["21"], "PP IIIII WWWWW"), (["21"], "PP IIIII WWWWW CC"), (["21"], "PP IIIII WWWMM C"),
        (["21"], "PP III WW III WW C"), (["2"], "PP IIIII WWWWW C"), ([], "PP IIIII WWWWW C"),
        (["21"], "PP IIIII V WWWW C".replacingOccurrences(of: "V", with: "VV")), (["21"], "IP PIIII WWWWW C"),
    ])
    func aLayoutThatDoesNotAddUpIsRefused(prefixes: [String], pattern: String) {
        let error = #expect(throws: ScanError.self) { try WeighedGoodsLayout(prefixes: prefixes, pattern: pattern) }
        #expect(error?.code == .badConfiguration)
    }

    @Test func aLayoutIsReadFromConfigurationValues() throws {
        let json = #"{"prefixes": ["23", "24"], "pattern": "PP IIIII WWWWW C"}"#
        let layout = try JSONDecoder().decode(WeighedGoodsLayout.self, from: Data(json.utf8))
        #expect(layout.prefixes == ["23", "24"])
        #expect(layout.item == 2..<7)
        #expect(layout.value == 7..<12)
        #expect(layout.valueKind == .weight)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(WeighedGoodsLayout.self, from: Data(#"{"prefixes": ["23"], "pattern": "P"}"#.utf8))
        }
    }
}
