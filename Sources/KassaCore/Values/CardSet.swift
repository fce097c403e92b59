/// A set of card numbers: the customers changed since the last snapshot.
///
/// Every sale with a card and every enrolment adds its card here, on the one writer. A
/// `Set<CardNumber>` hashed each card through SipHash, and every card it held again whenever it
/// grew; this set mixes a card's number and length into one word (`ByteHash.mix`), keeps the
/// cards inline in one array, and grows by placing them again from their numbers. Cards are
/// only added; the set is handed over whole and a new one started.
public struct CardSet: Hashable, Sendable, Sequence, ExpressibleByArrayLiteral {
    /// A power of two long, or empty; at most three quarters full. A slot of zero digits is
    /// empty (a card has at least `CardNumber.digitsMin`).
    private var slots: [CardNumber] = []
    /// How many cards are held.
    public private(set) var count = 0

    private static let empty = CardNumber(unchecked: 0, digits: 0)

    /// An empty set.
    public init() {}

    /// A set of `cards`.
    public init(arrayLiteral cards: CardNumber...) {
        for card in cards { insert(card) }
    }

    /// Whether no card is held.
    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    private static func home(_ card: CardNumber, mask: Int) -> Int {
        Int(truncatingIfNeeded: ByteHash.mix(card.value ^ UInt64(card.digits) << 59)) & mask
    }

    /// The slot holding `card`, or the empty slot where it would go (nil when there are none).
    @inline(__always)
    private func find(_ card: CardNumber) -> (found: Bool, slot: Int)? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        return slots.withUnsafeBufferPointer { slots in
            var slot = CardSet.home(card, mask: mask)
            while true {
                let held = slots[slot]
                if held.digits == 0 { return (false, slot) }
                if held == card { return (true, slot) }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether `card` is held.
    public func contains(_ card: CardNumber) -> Bool { find(card)?.found ?? false }

    /// Adds `card`; true when it was not held yet.
    @discardableResult
    public mutating func insert(_ card: CardNumber) -> Bool {
        precondition(card.digits > 0, "a card number has digits")
        if let place = find(card) {
            if place.found { return false }
            if (count + 1) * 4 <= slots.count * 3 {
                slots[place.slot] = card
                count += 1
                return true
            }
        }
        grow()
        guard let place = find(card) else { preconditionFailure("the card set has no slots after growing; memory can no longer be trusted") }
        slots[place.slot] = card
        count += 1
        return true
    }

    /// Adds every card of `other`.
    public mutating func formUnion(_ other: CardSet) {
        for card in other { insert(card) }
    }

    /// The cards, in no particular order.
    public func makeIterator() -> some IteratorProtocol<CardNumber> {
        slots.lazy.filter { $0.digits != 0 }.makeIterator()
    }

    /// Sets are equal when they hold the same cards, however they are laid out.
    public static func == (lhs: CardSet, rhs: CardSet) -> Bool {
        lhs.count == rhs.count && lhs.allSatisfy { rhs.contains($0) }
    }

    /// Hashes what `==` compares, independently of the order of the slots.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(reduce(UInt64(0)) { $0 ^ ByteHash.mix($1.value ^ UInt64($1.digits) << 59) })
    }

    /// Doubles the slots (16 at first) and places every card again.
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: CardSet.empty, count: Swift.max(16, old.count * 2))
        let mask = slots.count - 1
        slots.withUnsafeMutableBufferPointer { slots in
            for card in old where card.digits != 0 {
                var slot = CardSet.home(card, mask: mask)
                while slots[slot].digits != 0 { slot = (slot + 1) & mask }
                slots[slot] = card
            }
        }
    }
}
