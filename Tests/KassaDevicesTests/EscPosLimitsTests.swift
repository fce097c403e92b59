import KassaDevices
import Testing

/// Every parameter and every piece of data has a limit, and breaking it is an error that says
/// which limit, never bytes a printer would misread.
@Suite struct EscPosLimitsTests {
    private func code(_ build: (inout EscPosEncoder) throws -> Void) -> EscPosError.Code? {
        var encoder = EscPosEncoder(codePage: .cp866, limits: .init(jobBytesMax: 64, qrDataBytesMax: 100, textCharactersMax: 40))
        do {
            try build(&encoder)
            _ = try encoder.finished()
            return nil
        } catch let error as EscPosError {
            return error.code
        } catch {
            Issue.record("not an EscPosError: \(error)")
            return nil
        }
    }

    @Test func sizesFeedsAndPulsesOutsideTheirRangesAreRefused() {
        #expect(code { try $0.characterSize(width: 9, height: 1) } == .outOfRange)
        #expect(code { try $0.characterSize(width: 1, height: 0) } == .outOfRange)
        #expect(code { try $0.feed(lines: 256) } == .outOfRange)
        #expect(code { try $0.cut(.full, feedLines: -1) } == .outOfRange)
        #expect(code { try $0.drawerKick(onMs: 1) } == .outOfRange)
        #expect(code { try $0.drawerKick(offMs: 600) } == .outOfRange)
        #expect(code { try $0.barcode(.ean13("4607001771234"), heightDots: 0) } == .outOfRange)
        #expect(code { try $0.barcode(.ean13("4607001771234"), moduleWidth: 7) } == .outOfRange)
        #expect(code { try $0.qrCode("x", moduleSize: 17) } == .outOfRange)
    }

    @Test func barcodeDataThatTheSymbologyCannotCarryIsRefused() {
        #expect(code { try $0.barcode(.ean13("46070017712")) } == .invalidData)
        #expect(code { try $0.barcode(.ean13("46070017712A")) } == .invalidData)
        #expect(code { try $0.barcode(.ean13("4607001771235")) } == .invalidData)
        #expect(code { try $0.barcode(.code128("")) } == .invalidData)
        #expect(code { try $0.barcode(.code128("Молоко")) } == .invalidData)
        #expect(code { try $0.barcode(.code128(String(repeating: "7", count: 254))) } == .tooLong)
    }

    @Test func qrDataBeyondTheLimitOrTheSymbolIsRefused() {
        #expect(code { try $0.qrCode([UInt8](repeating: 0x41, count: 101)) } == .tooLong)
        #expect(code { try $0.qrCode([UInt8]()) } == .tooLong)
        var big = EscPosEncoder(codePage: .cp866, limits: .init(jobBytesMax: 10_000, qrDataBytesMax: 5_000))
        #expect(throws: EscPosError.self) { try big.qrCode([UInt8](repeating: 0x41, count: 1_300), errorCorrection: .high) }
    }

    @Test func aTextOrAJobPastItsLimitIsRefused() {
        #expect(code { try $0.text(String(repeating: "ж", count: 41)) } == .tooLong)
        #expect(code { for _ in 0..<3 { try $0.line(String(repeating: "ж", count: 30)) } } == .tooLong)
        #expect(code { try $0.line(String(repeating: "ж", count: 40)) } == nil)
    }
}
