import KassaCore

/// Text order of card numbers without comparing text: a card's digits padded on the right to
/// 19 places compare as integers in the order of the text, and of two cards with equal padded
/// values the shorter sorts first (as "123" before "1230"). Sorting ten million cards this way
/// takes a second instead of the tens of seconds string comparison would.
struct CardOrder: Comparable {
    var padded: UInt64
    var digits: UInt8

    private static let powers: [UInt64] = (0...19).map { n in (0..<n).reduce(UInt64(1)) { p, _ in p * 10 } }

    /// The key of `card`; text that is not a card number sorts after every card, by its length.
    /// The digits are read here rather than through `CardNumber(_:)`, whose generic parsing
    /// costs several times more per card across the module boundary.
    init(_ card: String) {
        var value: UInt64 = 0, count = 0, digitsOnly = true
        for byte in card.utf8 {
            count += 1
            guard count <= CardNumber.digitsMax, byte >= 0x30, byte <= 0x39 else {
                digitsOnly = false
                break
            }
            value = value &* 10 &+ UInt64(byte &- 0x30)
        }
        if digitsOnly, count >= CardNumber.digitsMin {
            padded = value * Self.powers[CardNumber.digitsMax - count]
            digits = UInt8(count)
        } else {
            padded = .max
            digits = UInt8(clamping: card.utf8.count)
        }
    }

    static func < (lhs: CardOrder, rhs: CardOrder) -> Bool {
        lhs.padded != rhs.padded ? lhs.padded < rhs.padded : lhs.digits < rhs.digits
    }
}
