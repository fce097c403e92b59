import KassaCore
import KassaDevices
import Testing

/// The pure text functions behind the receipt and the display.
@Suite struct ReceiptLayoutFormattingTests {
    @Test func moneyIsRoublesWithSpacedThousandsAndTwoDecimals() {
        #expect(ReceiptText.money(123_450) == "1 234.50")
        #expect(ReceiptText.money(5) == "0.05")
        #expect(ReceiptText.money(0) == "0.00")
        #expect(ReceiptText.money(-1_798) == "-17.98")
        #expect(ReceiptText.money(123_456_789_00) == "123 456 789.00")
        #expect(ReceiptText.money(Int64.min) == "-92 233 720 368 547 758.08")
    }

    @Test func weighedQuantitiesHaveThreeDecimalsAndPiecesTheShortestForm() {
        #expect(ReceiptText.quantity(Quantity(thousandths: 755), weighed: true) == "0.755 кг")
        #expect(ReceiptText.quantity(Quantity(thousandths: 2_000), weighed: true) == "2.000 кг")
        #expect(ReceiptText.quantity(Quantity(thousandths: 1_050), weighed: true) == "1.050 кг")
        #expect(ReceiptText.quantity(Quantity(pieces: 3), weighed: false) == "3")
        #expect(ReceiptText.quantity(Quantity(thousandths: 1_500), weighed: false) == "1.5")
    }

    @Test func aCardShowsOnlyItsLastFourDigits() {
        #expect(ReceiptText.maskedCard("7000000000001234") == "************1234")
        #expect(ReceiptText.maskedCard("1234") == "****")
        #expect(ReceiptText.maskedCard("") == "")
    }

    @Test func columnsPutTheAmountFlushRightAndCutTheName() {
        #expect(ReceiptText.columns("Хлеб", "45.00", width: 16) == "Хлеб       45.00")
        #expect(ReceiptText.columns("Очень длинное название", "1 234.50", width: 16) == "Очень д 1 234.50")
        #expect(ReceiptText.columns("", "5.00", width: 8) == "    5.00")
        #expect(ReceiptText.columns("abc", "123456789", width: 5) == "12345")
        for width in [0, 1, 5, 20, 48] {
            #expect(ReceiptText.columns("Сыр", "10.00", width: width).count == width)
        }
    }

    @Test func wrappingBreaksAtSpacesAndStopsAtTheLineLimit() {
        #expect(ReceiptText.wrapped("Молоко ультрапастеризованное 3,2%", width: 16, linesMax: 3)
            == ["Молоко", "ультрапастеризов", "анное 3,2%"])
        #expect(ReceiptText.wrapped("Сок яблочный осветлённый 1 л", width: 12, linesMax: 2) == ["Сок яблочный", "осветлённый"])
        #expect(ReceiptText.wrapped("", width: 10, linesMax: 2) == [])
        #expect(ReceiptText.wrapped("Хлеб", width: 10, linesMax: 2) == ["Хлеб"])
    }

    @Test func pointsAreWholeWithSpacedThousands() {
        #expect(ReceiptText.points(12_345) == "12 345")
        #expect(ReceiptText.points(0) == "0")
    }
}
