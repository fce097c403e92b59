import KassaDevices
import Testing

/// The code pages map Unicode to the printer's bytes as the standard tables do.
@Suite struct CodePageTableTests {
    @Test func zheIs86InCP866AndC6InWindows1251() {
        #expect(CodePage.cp866.encode(Character("Ж")) == 0x86)
        #expect(CodePage.wpc1251.encode(Character("Ж")) == 0xC6)
    }

    @Test func theCyrillicAlphabetHasItsKnownBytesInBothPages() {
        #expect(CodePage.cp866.encode("АЯаяпрё") == [0x80, 0x9F, 0xA0, 0xEF, 0xAF, 0xE0, 0xF1])
        #expect(CodePage.wpc1251.encode("АЯаяЁё") == [0xC0, 0xDF, 0xE0, 0xFF, 0xA8, 0xB8])
        #expect(CodePage.cp866.encode("Ёё№") == [0xF0, 0xF1, 0xFC])
        #expect(CodePage.wpc1251.encode("№") == [0xB9])
    }

    @Test func boxDrawingIsInCP866Only() {
        #expect(CodePage.cp866.encode("─│┌┐└┘═║") == [0xC4, 0xB3, 0xDA, 0xBF, 0xC0, 0xD9, 0xCD, 0xBA])
        #expect(CodePage.wpc1251.encode("─│") == [0x3F, 0x3F])
    }

    @Test func asciiPassesThroughAndUnmappableBecomesAQuestionMark() {
        #expect(CodePage.cp866.encode("Milk 3.2% x2") == Array("Milk 3.2% x2".utf8))
        #expect(CodePage.cp866.encode("€₽é😀") == [0x3F, 0x3F, 0x3F, 0x3F])
        #expect(CodePage.wpc1251.encode("€₽") == [0x88, 0x3F])
    }

    @Test func quotesAndDashesMissingFromATableBecomeTheirAsciiLookalikes() {
        #expect(CodePage.cp866.encode("«Сыр» — „да“ ‘x’\u{202F}") == [
            0x22, 0x91, 0xEB, 0xE0, 0x22, 0x20, 0x2D, 0x20, 0x22, 0xA4, 0xA0, 0x22, 0x20, 0x27, 0x78, 0x27, 0x20,
        ])
        #expect(CodePage.wpc1251.encode("«—»") == [0xAB, 0x97, 0xBB])
    }

    @Test func decomposedYoAndShortIAreComposedToOneByte() {
        #expect(CodePage.cp866.encode("е\u{0308}и\u{0306}") == [0xF1, 0xA9])
        #expect(CodePage.wpc1251.encode("Е\u{0308}И\u{0306}") == [0xA8, 0xC9])
    }

    @Test func everyMappedByteDecodesToTheCharacterThatEncodesToIt() {
        for page in CodePage.allCases {
            for byte in UInt8(0x20)...UInt8(0xFF) {
                guard let character = page.character(for: byte) else { continue }
                #expect(page.encode(character) == byte, "\(page) 0x\(String(byte, radix: 16))")
            }
        }
        #expect(CodePage.wpc1251.character(for: 0x98) == nil)
        #expect(CodePage.cp866.character(for: 0x1B) == nil)
    }

    @Test func oneCharacterIsAlwaysOneByte() {
        let text = "Сыр «Российский» 1кг — ё👍🏽"
        #expect(CodePage.cp866.encode(text).count == text.count)
        #expect(CodePage.wpc1251.encode(text).count == text.count)
    }
}
