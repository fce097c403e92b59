import KassaDevices
import Testing

/// Printer profiles come from a few plain configuration values, and wrong values are refused
/// with a message that says what to write instead.
@Suite struct ReceiptLayoutProfileTests {
    @Test func plainValuesMakeAProfileWithEpsonsTableNumbers() throws {
        let profile = try PrinterProfile(paperWidthMm: 80, codePage: "cp866", qrCode: true, cut: "partial")
        #expect(profile.columns == 48)
        #expect(profile.codePage == .cp866)
        #expect(profile.codePageNumber == 17)
        #expect(profile.cut == .partial)
        let windows = try PrinterProfile(paperWidthMm: 80, columns: 42, codePage: "windows-1251", qrCode: false, cut: "none")
        #expect(windows.codePageNumber == 46)
        #expect(windows.columns == 42)
        #expect(windows.cut == nil)
        let narrow = try PrinterProfile(paperWidthMm: 58, codePage: "PC866", codePageNumber: 59, qrCode: false, cut: "full")
        #expect(narrow.columns == 32)
        #expect(narrow.codePageNumber == 59)
    }

    private func refusal(_ make: () throws -> PrinterProfile) -> DeviceError.Code? {
        do {
            _ = try make()
            return nil
        } catch {
            return (error as? DeviceError)?.code
        }
    }

    @Test func valuesAPrinterCannotHaveAreRefused() {
        #expect(refusal { try PrinterProfile(paperWidthMm: 76, codePage: "cp866", qrCode: true, cut: "full") } == .invalidConfiguration)
        #expect(refusal { try PrinterProfile(paperWidthMm: 58, columns: 48, codePage: "cp866", qrCode: true, cut: "full") } == .invalidConfiguration)
        #expect(refusal { try PrinterProfile(paperWidthMm: 80, codePage: "koi8-r", qrCode: true, cut: "full") } == .invalidConfiguration)
        #expect(refusal { try PrinterProfile(paperWidthMm: 80, codePage: "cp866", codePageNumber: 300, qrCode: true, cut: "full") } == .invalidConfiguration)
        #expect(refusal { try PrinterProfile(paperWidthMm: 80, codePage: "cp866", qrCode: true, cut: "half") } == .invalidConfiguration)
    }

    @Test func thePresetsMatchTheirPaper() {
        #expect(PrinterProfile.epsonTMT20III.columns == 48)
        #expect(PrinterProfile.epsonTMT20III.codePageNumber == CodePage.cp866.epsonTableNumber)
        #expect(PrinterProfile.epson80mmWindows1251.codePageNumber == CodePage.wpc1251.epsonTableNumber)
        #expect(PrinterProfile.narrow58mm.columns == 32)
    }
}
