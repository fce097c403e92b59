import Foundation
import KassaCore
import KassaDevices
import Testing

/// A receipt with Cyrillic lines, a discount and points reads right when its bytes are decoded
/// back, in both code pages.
@Suite struct ReceiptLayoutTextTests {
    static let document = ReceiptDocument(
        storeName: "Магазин «Ромашка»", addressLines: ["г. Москва, ул. Ленина, 1"], terminal: "T1", cashier: "Иванова А.",
        receiptId: "S-1001", time: "13.09.2026 12:04",
        lines: [
            .init(name: "Молоко 3,2% 1 л", quantity: Quantity(pieces: 2), unitPrice: 8_990, amount: 17_980,
                  discounts: [.init(rule: "Молоко -10%", amount: 1_798)]),
            .init(name: "Яблоки Гала", quantity: Quantity(thousandths: 1_250), weighed: true, unitPrice: 15_990, amount: 19_988),
        ],
        subtotal: 37_968, totalDiscount: 1_798, total: 36_170,
        payments: [.init(method: "Наличные", amount: 50_000)], change: 13_830,
        loyalty: .init(cardNumber: "7000000000001234", pointsEarned: 36, pointsSpent: 0, balance: 1_536),
        footer: ["Спасибо за покупку!"])

    static let expected80mm = """
        Магазин "Ромашка"
        г. Москва, ул. Ленина, 1
        ------------------------------------------------
        Касса: T1                       13.09.2026 12:04
        Кассир: Иванова А.
        Чек № S-1001
        ------------------------------------------------
        Молоко 3,2% 1 л
          2 x 89.90                               179.80
          Скидка "Молоко -10%"                    -17.98
        Яблоки Гала
          1.250 кг x 159.90                       199.88
        ------------------------------------------------
        Сумма                                     379.68
        Скидка                                    -17.98
        ИТОГО             361.70
        Наличные                                  500.00
        Сдача                                     138.30
        ------------------------------------------------
        Карта                           ************1234
        Начислено баллов                              36
        Баланс баллов                              1 536
        ------------------------------------------------
        Спасибо за покупку!
        [qr S-1001]
        [cut partial]
        """

    @Test func theReceiptReadsRightInCP866() throws {
        let printed = try EscPosDecodedText(ReceiptLayout(profile: .epsonTMT20III).receipt(Self.document))
        #expect(printed.text == Self.expected80mm)
    }

    @Test func theSameReceiptReadsTheSameInWindows1251ButForTheQuotes() throws {
        let printed = try EscPosDecodedText(ReceiptLayout(profile: .epson80mmWindows1251).receipt(Self.document))
        #expect(printed.text == Self.expected80mm.replacingOccurrences(of: "\"Ромашка\"", with: "«Ромашка»"))
    }

    @Test func theHeaderIsCentredAndBoldAndTheTotalIsDoubleSize() throws {
        let printed = try EscPosDecodedText(ReceiptLayout(profile: .epsonTMT20III).receipt(Self.document))
        #expect(printed.boldLines == ["Магазин \"Ромашка\"", "ИТОГО             361.70"])
        #expect(printed.centeredLines.prefix(2) == ["Магазин \"Ромашка\"", "г. Москва, ул. Ленина, 1"])
        #expect(printed.doubleSizeLines == ["ИТОГО             361.70"])
    }

    @Test func theReceiptStartsWithInitializeAndTheProfilesCodePage() throws {
        let bytes = try ReceiptLayout(profile: .epsonTMT20III).receipt(Self.document)
        #expect(Array(bytes.prefix(5)) == [0x1B, 0x40, 0x1B, 0x74, 17])
        #expect(Array(bytes.suffix(4)) == [0x1D, 0x56, 66, 4])
        let windows = try ReceiptLayout(profile: .epson80mmWindows1251).receipt(Self.document)
        #expect(Array(windows.prefix(5)) == [0x1B, 0x40, 0x1B, 0x74, 46])
    }

    @Test func aNarrowPrinterGets32ColumnsNoQRCodeAndAFeedInsteadOfACut() throws {
        let printed = try EscPosDecodedText(ReceiptLayout(profile: .narrow58mm).receipt(Self.document))
        #expect(printed.lines.allSatisfy { $0.count <= 32 })
        #expect(printed.lines.contains("  2 x 89.90               179.80"))
        #expect(printed.lines.contains("ИТОГО     361.70"))
        #expect(!printed.lines.contains { $0.hasPrefix("[qr") || $0.hasPrefix("[cut") })
    }

    @Test func anOfflineSaleSaysSoAndNoCardMeansNoPoints() throws {
        var document = Self.document
        document.registeredOffline = true
        document.loyalty = nil
        let printed = try EscPosDecodedText(ReceiptLayout(profile: .epsonTMT20III).receipt(document))
        #expect(printed.lines.contains("Чек зарегистрирован без связи с сервером"))
        #expect(!printed.lines.contains { $0.hasPrefix("Карта") || $0.hasPrefix("Баланс") })
    }

    @Test func spentPointsArePrintedWhenThereAreAny() throws {
        var document = Self.document
        document.loyalty?.pointsSpent = 100
        let printed = try EscPosDecodedText(ReceiptLayout(profile: .epsonTMT20III).receipt(document))
        #expect(printed.lines.contains("Списано баллов                               100"))
    }

    @Test func theDrawerKickIsItsOwnJob() throws {
        #expect(try ReceiptLayout(profile: .epsonTMT20III).drawerKick() == [0x1B, 0x70, 0, 50, 250])
    }

    @Test func aReceiptWithTooManyLinesIsRefused() {
        var document = Self.document
        document.lines = Array(repeating: document.lines[0], count: ReceiptDocument.linesMax + 1)
        #expect(throws: EscPosError.self) { try ReceiptLayout(profile: .epsonTMT20III).receipt(document) }
    }
}
