import KassaCore
import Testing
@testable import KassaDevices

/// GS1 element strings: fixed-length AIs need no separator, variable ones end at GS or at the end.
@Suite struct GS1ElementStringTests {
    static let gs = ScannerFixtures.gs

    @Test func aGS1128WithDateAndBatchIsRead() throws {
        let barcode = try Barcode(scanned: Array("]C1010950110153000317140704\(Self.gs)10AB-123".utf8))
        #expect(barcode.symbology == .gs1128)
        let elements = try #require(barcode.elements)
        #expect(elements.elements.map(\.ai) == ["01", "17", "10"])
        #expect(elements.value("17") == "140704")
        #expect(elements.value("10") == "AB-123")
        #expect(barcode.gtin?.code == "9501101530003")
    }

    @Test func aRussianMarkingCodeForShoesIsRead() throws {
        // A published Chestny ZNAK example: 13-character serial, key 91, 88-character code 92
        // holding "(", "<", "&" and other characters that look like syntax.
        let tail = "sOe6fy7lPT8lLffZ5WdQ7Rp8P>XLDwEGD1Wv4oY71o4&FVGTngrd45/<7&*(fglnxdszcyACRLvw;46-fjadfLGV"
        let scanned = "]d20104690257528523" + "21G+mgsHw<DiLN_" + Self.gs + "91EE05" + Self.gs + "92" + tail
        let barcode = try Barcode(scanned: Array(scanned.utf8))
        #expect(barcode.symbology == .gs1DataMatrix)
        let elements = try #require(barcode.elements)
        #expect(elements.elements.map(\.ai) == ["01", "21", "91", "92"])
        #expect(elements.serial == "G+mgsHw<DiLN_")
        #expect(elements.value("91") == "EE05")
        #expect(elements.value("92") == tail)
        #expect(barcode.gtin?.code == "4690257528523")
    }

    @Test func aMarkingCodeFromAScannerWithoutIdentifiersIsStillRead() throws {
        let scanned = "0104600439931256215Wq0Klqxq=ab" + Self.gs + "91EE06" + Self.gs + "92dGVzdGluZyB0aGUgY3J5cHRvIHRhaWwgb2YgNDQgY2hhcnM="
        let barcode = try Barcode(scanned: Array(scanned.utf8))
        #expect(barcode.elements?.elements.map(\.ai) == ["01", "21", "91", "92"])
        #expect(barcode.gtin?.code == "4600439931256")
        #expect(barcode.elements?.serial == "5Wq0Klqxq=ab")
    }

    @Test func aMilkCodeEndsWithItsShortCryptoTail() throws {
        let elements = try GS1ElementString(parsing: "0112345678901231215w9EJp" + Self.gs + "93abc1")
        #expect(elements.value("21") == "5w9EJp")
        #expect(elements.value("93") == "abc1")
    }

    @Test func aLeadingFNC1AndTheDataMatrixFNC1CodewordAreSeparators() throws {
        var bytes: [UInt8] = [0x1D] + Array("0104600266011725217ABCDEFG".utf8) + [0xE8] + Array("8005112000".utf8) + [0x1D] + Array("93dGVz".utf8)
        var elements = try GS1ElementString(parsing: bytes)
        #expect(elements.elements.map(\.ai) == ["01", "21", "8005", "93"])
        #expect(elements.value("8005") == "112000")
        bytes = Array("(01)04600266011725(21)7ABCDEFG(8005)112000(93)dGVz".utf8)
        elements = try GS1ElementString(parsing: bytes)
        #expect(elements.elements.map(\.ai) == ["01", "21", "8005", "93"])
    }

    @Test func thePrintedFormWithParenthesesIsRead() throws {
        let tail = "sOe6fy7lPT8lLffZ5WdQ7Rp8P>XLDwEGD1Wv4oY71o4&FVGTngrd45/<7&*(fglnxdszcyACRLvw;46-fjadfLGV"
        let elements = try GS1ElementString(parsing: "(01)04690257528523(21)G+mgsHw<DiLN_(91)EE05(92)" + tail)
        #expect(elements.elements.map(\.ai) == ["01", "21", "91", "92"])
        #expect(elements.value("92") == tail)
        #expect(elements.description == "(01)04690257528523(21)G+mgsHw<DiLN_(91)EE05(92)" + tail)
        let barcode = try Barcode(scanned: Array("(01)04600439931256(21)abc".utf8))
        #expect(barcode.elements?.serial == "abc")
    }

    @Test func measuresAndPricesAreExactDecimals() throws {
        let elements = try GS1ElementString(parsing: "0104600439931256" + "3103000750" + "3922" + "0012990")
        let weight = try #require(elements.elements.first { $0.ai == "3103" })
        #expect(weight.decimal == GS1Decimal(significand: 750, decimalPlaces: 3))
        #expect(weight.decimal?.description == "0.750")
        #expect(elements.netWeight == Quantity(thousandths: 750))
        let price = try #require(elements.elements.first { $0.ai == "3922" })
        #expect(price.decimal?.scaled(toDecimalPlaces: 2) == 12990)
        #expect(price.decimal?.description == "129.90")
        let inRoubles = try GS1ElementString(parsing: "3932643129990")
        #expect(inRoubles.elements[0].currency == "643")
        #expect(inRoubles.elements[0].decimal?.description == "1299.90")
    }

    @Test func aGTINWithAWrongCheckDigitIsAnErrorNamingTheAI() {
        let error = #expect(throws: ScanError.self) { try GS1ElementString(parsing: "0104600439931257215Wq0K") }
        #expect(error?.code == .badCheckDigit)
        #expect(error?.message.contains("(01)") == true)
        #expect(error?.position == 0)
    }

    @Test func aMissingSeparatorAfterTheSerialIsNamed() {
        let error = #expect(throws: ScanError.self) {
            try GS1ElementString(parsing: "0104600439931256215Wq0Klqxq=ab91EE0692dGVzdGluZyB0aGUgY3J5cHRv")
        }
        #expect(error?.code == .badElement)
        #expect(error?.message.contains("(21)") == true)
        #expect(error?.message.contains("GS") == true)
        #expect(error?.position == 16)
    }

    @Test(arguments: [
        ("", ScanError.Code.badElement, 0, "holds no"),
        ("01046004399312", .badElement, 0, "(01) needs 14"),
        ("7704600439931256", .unknownApplicationIdentifier, 0, "77"),
        ("01046004399312562", .unknownApplicationIdentifier, 16, "expected"),
        ("0104600439931256" + "17141332", .badElement, 16, "date"),
        ("0104600439931256" + "3103000A50", .badElement, 23, "digits"),
        ("0104600439931256" + "21" + "ab\u{7F}", .badElement, 20, "GS1 characters"),
        ("(01)04600439931256(77)1", .unknownApplicationIdentifier, 18, "(77)"),
    ])
    func malformedElementStringsAreErrorsNamingTheAIAndPosition(text: String, code: ScanError.Code, position: Int, says: String) {
        let error = #expect(throws: ScanError.self) { try GS1ElementString(parsing: text) }
        #expect(error?.code == code)
        #expect(error?.position == position)
        #expect(error?.message.contains(says) == true, "\(error?.message ?? "")")
    }

    @Test func everythingIsLimited() {
        let many = String(repeating: "20" + "01", count: GS1ElementString.elementsMax + 1)
        #expect((try? GS1ElementString(parsing: String(repeating: "2001", count: GS1ElementString.elementsMax)))?.elements.count
            == GS1ElementString.elementsMax)
        let error = #expect(throws: ScanError.self) { try GS1ElementString(parsing: many) }
        #expect(error?.code == .limitExceeded)
        let long = #expect(throws: ScanError.self) {
            try GS1ElementString(parsing: [UInt8](repeating: 0x30, count: GS1ElementString.lengthMax + 1))
        }
        #expect(long?.code == .limitExceeded)
    }
}
