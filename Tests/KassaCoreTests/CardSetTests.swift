import KassaTestSupport
import Testing
@testable import KassaCore

@Suite("A card set holds each card once, as a Set of card numbers would")
struct CardSetTests {
    @Test func insertTellsNewCardsAndContainsFindsThem() throws {
        var cards = CardSet()
        let card = try #require(CardNumber("7000000000001"))
        let sameDigitsLonger = try #require(CardNumber("07000000000001"))
        #expect(cards.isEmpty)
        let first = cards.insert(card), again = cards.insert(card), longer = cards.insert(sameDigitsLonger)
        #expect(first && !again && longer)
        #expect(cards.count == 2)
        #expect(cards.contains(card) && cards.contains(sameDigitsLonger))
        #expect(!cards.contains(try #require(CardNumber("7000000000002"))))
    }

    @Test func growingKeepsEveryCardAndEqualityIgnoresOrder() throws {
        var generator = SeededGenerator(seed: 11)
        var cards = CardSet()
        var model = Set<CardNumber>()
        for _ in 0..<20_000 {
            let card = try #require(CardNumber(value: generator.next() % 40_000, digits: UInt8(6 + generator.next() % 3)))
            let inserted = cards.insert(card)
            #expect(inserted == model.insert(card).inserted)
        }
        #expect(cards.count == model.count)
        #expect(Set(cards) == model)
        var reversed = CardSet()
        for card in Array(cards).reversed() { reversed.insert(card) }
        #expect(reversed == cards)
        #expect(reversed.hashValue == cards.hashValue)
        let outside = try #require(CardNumber("9999999"))
        #expect(!model.contains(outside))
        var union: CardSet = [outside]
        union.formUnion(cards)
        #expect(union.count == cards.count + 1)
        #expect(union != cards)
        #expect(union.contains(outside))
    }
}
