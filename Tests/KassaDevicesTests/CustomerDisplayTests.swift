import Foundation
import KassaDevices
import Testing

/// The 2×20 customer display: whole lines, Cyrillic in PC866, prices flush right.
@Suite struct CustomerDisplayTests {
    let encoder = CustomerDisplayEncoder()

    @Test func initializeSelectsPC866OverwriteModeNoCursorAndClears() {
        #expect(encoder.initialize() == [0x1B, 0x40, 0x1B, 0x74, 17, 0x1F, 0x01, 0x1F, 0x43, 0x00, 0x0C])
        #expect(encoder.clear() == [0x0C])
        #expect(encoder.home() == [0x0B])
    }

    @Test func theCursorMovesWithUsDollarAndStaysOnTheDisplay() throws {
        #expect(try encoder.moveCursor(column: 1, row: 2) == [0x1F, 0x24, 1, 2])
        #expect(try encoder.moveCursor(column: 20, row: 1) == [0x1F, 0x24, 20, 1])
        #expect(throws: EscPosError.self) { try encoder.moveCursor(column: 21, row: 1) }
        #expect(throws: EscPosError.self) { try encoder.moveCursor(column: 1, row: 3) }
    }

    @Test func anItemShowsItsNameAndPriceAboveTheRunningTotal() {
        let bytes = encoder.item("Молоко 3,2% 1 л", price: 8_990, total: 123_450)
        #expect(Array(bytes.prefix(4)) == [0x1F, 0x24, 1, 1])
        #expect(CodePage.cp866.decode(Array(bytes[4..<24])) == "Молоко 3,2% 1  89.90")
        #expect(Array(bytes[24..<28]) == [0x1F, 0x24, 1, 2])
        #expect(CodePage.cp866.decode(Array(bytes[28..<48])) == "ИТОГО       1 234.50")
        #expect(bytes.count == 48)
    }

    @Test func aLongNameIsCutSoThePriceStaysWhole() {
        #expect(CustomerDisplayEncoder.columns("Сыр Российский весовой", "1 234.50") == "Сыр Российс 1 234.50")
    }

    @Test func shortLinesArePaddedToClearWhatWasThere() throws {
        let bytes = try encoder.line("Добрый день", row: 1)
        #expect(CodePage.cp866.decode(Array(bytes[4...])) == "Добрый день         ")
    }

    @Test func theDisplayWritesThroughItsTransport() throws {
        let path = NSTemporaryDirectory() + "kassa-display-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let display = CustomerDisplay(transport: FileTransport(path: path, direction: .output))
        try display.open()
        try display.showItem("Хлеб", price: 4_500, total: 4_500)
        try display.showTotal(4_500, caption: "К оплате")
        display.close()
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let expected = encoder.initialize() + encoder.item("Хлеб", price: 4_500, total: 4_500) + encoder.total(4_500, caption: "К оплате")
        #expect(written == expected)
    }
}
