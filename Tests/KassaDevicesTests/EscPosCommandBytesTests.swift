import KassaDevices
import Testing

/// Each command is the exact bytes of Epson's "ESC/POS Command Reference" (and what emupos's
/// tokenizer reads).
@Suite struct EscPosCommandBytesTests {
    private func bytes(_ build: (inout EscPosEncoder) throws -> Void) throws -> [UInt8] {
        var encoder = EscPosEncoder(codePage: .cp866)
        try build(&encoder)
        return try encoder.finished()
    }

    @Test func settingsCommandsAreTheirEscAndGsSequences() throws {
        #expect(try bytes { $0.initialize() } == [0x1B, 0x40])
        #expect(try bytes { $0.bold(true); $0.bold(false) } == [0x1B, 0x45, 1, 0x1B, 0x45, 0])
        #expect(try bytes { $0.underline(.thin); $0.underline(.none) } == [0x1B, 0x2D, 1, 0x1B, 0x2D, 0])
        #expect(try bytes { try $0.characterSize(width: 2, height: 2) } == [0x1D, 0x21, 0x11])
        #expect(try bytes { try $0.characterSize(width: 1, height: 3) } == [0x1D, 0x21, 0x02])
        #expect(try bytes { $0.align(.center); $0.align(.right) } == [0x1B, 0x61, 1, 0x1B, 0x61, 2])
        #expect(try bytes { $0.selectCodePage(.wpc1251, tableNumber: 46) } == [0x1B, 0x74, 46])
    }

    @Test func textIsEncodedInTheSelectedCodePageAndLinesEndWithLF() throws {
        #expect(try bytes { try $0.line("Жд 1") } == [0x86, 0xA4, 0x20, 0x31, 0x0A])
        #expect(try bytes { $0.selectCodePage(.wpc1251, tableNumber: 46); try $0.text("Жд") } == [0x1B, 0x74, 46, 0xC6, 0xE4])
    }

    @Test func controlCharactersInTextCannotBecomeCommands() throws {
        #expect(try bytes { try $0.text("a\u{1B}@\u{1D}V\n") } == Array("a?@?V?".utf8))
    }

    @Test func feedAndCutCarryTheirLineCounts() throws {
        #expect(try bytes { try $0.feed(lines: 3) } == [0x1B, 0x64, 3])
        #expect(try bytes { try $0.cut(.full) } == [0x1D, 0x56, 0])
        #expect(try bytes { try $0.cut(.partial) } == [0x1D, 0x56, 1])
        #expect(try bytes { try $0.cut(.full, feedLines: 4) } == [0x1D, 0x56, 65, 4])
        #expect(try bytes { try $0.cut(.partial, feedLines: 4) } == [0x1D, 0x56, 66, 4])
    }

    @Test func drawerKickIsEscPWithTimesInTwoMillisecondSteps() throws {
        #expect(try bytes { try $0.drawerKick() } == [0x1B, 0x70, 0, 50, 250])
        #expect(try bytes { try $0.drawerKick(pin: .pin5, onMs: 20, offMs: 40) } == [0x1B, 0x70, 1, 10, 20])
    }

    @Test func statusRequestsAreDleEotN() {
        #expect(EscPosEncoder.statusRequest(.printer) == [0x10, 0x04, 1])
        #expect(EscPosEncoder.statusRequest(.offlineCause) == [0x10, 0x04, 2])
        #expect(EscPosEncoder.statusRequest(.errorCause) == [0x10, 0x04, 3])
        #expect(EscPosEncoder.statusRequest(.paperSensor) == [0x10, 0x04, 4])
    }

    @Test func ean13IsGsKFunctionBWithHriHeightAndWidthBeforeIt() throws {
        let printed = try bytes { try $0.barcode(.ean13("4607001771234"), hri: .below, heightDots: 80, moduleWidth: 2) }
        #expect(printed == [0x1D, 0x48, 2, 0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x6B, 67, 13] + Array("4607001771234".utf8))
        let twelve = try bytes { try $0.barcode(.ean13("460700177123"), hri: .none) }
        #expect(Array(twelve.suffix(16)) == [0x1D, 0x6B, 67, 12] + Array("460700177123".utf8))
    }

    @Test func code128SelectsCodeSetBAndDoublesABrace() throws {
        let printed = try bytes { try $0.barcode(.code128("S-1{2"), hri: .above) }
        #expect(printed == [0x1D, 0x48, 1, 0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x6B, 73, 8] + Array("{BS-1{{2".utf8))
    }

    @Test func qrCodeIsModelSizeCorrectionStoreAndPrint() throws {
        let printed = try bytes { try $0.qrCode("S-1", moduleSize: 4, errorCorrection: .medium) }
        #expect(printed == [
            0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 50, 0,
            0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 4,
            0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 49,
            0x1D, 0x28, 0x6B, 6, 0, 0x31, 0x50, 0x30, 0x53, 0x2D, 0x31,
            0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30,
        ])
    }

    @Test func qrStoreLengthUsesBothLengthBytes() throws {
        var encoder = EscPosEncoder(codePage: .cp866)
        try encoder.qrCode([UInt8](repeating: 0x41, count: 300), errorCorrection: .low)
        let store = try encoder.finished()[25...]
        #expect(Array(store.prefix(8)) == [0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30])
    }
}
