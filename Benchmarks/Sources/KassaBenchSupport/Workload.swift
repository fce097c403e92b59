import KassaCore

/// Deterministic synthetic data shaped like a grocery chain: a catalog of EAN-13 products,
/// loyalty customers, and closed receipts as tills post them. Shared by every benchmark suite.
public enum Workload {
    /// 2026-11-23T08:00:00+03:00, the store opening the day the receipts are rung up.
    public static let opening = RFC3339.parse("2026-11-23T08:00:00+03:00")!

    static let categories = ["dairy", "bakery", "meat", "produce", "grocery", "drinks", "household", "frozen"]
    static let firstNames = ["Анна", "Мария", "Елена", "Ольга", "Иван", "Сергей", "Алексей", "Дмитрий"]
    static let lastNames = ["Петрова", "Иванова", "Смирнова", "Кузнецова", "Попов", "Соколов", "Лебедев", "Козлов"]

    /// A GS1 EAN-13 with its correct check digit: `prefix` (2–3 digits) then `number`, zero-padded.
    public static func ean13(prefix: String, number: Int) -> SKU {
        let body = String(number)
        let payload = prefix + String(repeating: "0", count: 12 - prefix.count - body.count) + body
        let check = SKU.checkDigit(payload: payload.utf8.map { Int($0 - 0x30) })
        return try! SKU(validating: payload + String(check))
    }

    /// `count` products; every tenth is weighed goods (in-store prefix 21, price per kg).
    public static func catalog(count: Int) -> [Product] {
        (0..<count).map { index in
            let weighed = index % 10 == 9
            let sku = weighed ? ean13(prefix: "21", number: index) : ean13(prefix: "460", number: index)
            return Product(sku: sku, name: "Товар \(index)", category: categories[index % categories.count],
                           price: Int64(49_00 + (index * 7_919) % 150_000), flags: weighed ? .weighed : [])
        }
    }

    /// A 13-digit loyalty card for customer `index`.
    public static func card(_ index: Int) -> CardNumber {
        CardNumber(value: 7_000_000_000_000 + UInt64(index), digits: 13)!
    }

    /// Customer `index` as enrolled at a till: card, phone, a name (its own heap string), a
    /// birthdate, source and enrolment time.
    public static func customer(_ index: Int) -> Customer {
        Customer(card: card(index), phone: "+7900\(1_000_000 + index % 9_000_000)",
                 name: "\(firstNames[index % 8]) \(lastNames[(index / 8) % 8])",
                 birthdate: LocalDate(year: 1950 + index % 55, month: 1 + index % 12, day: 1 + index % 28),
                 source: index % 3 == 0 ? "flyer" : "till",
                 enrolledAt: Timestamp(epochMilliseconds: opening.epochMilliseconds - Int64(index % 1_000) * 86_400_000,
                                       offsetMinutes: opening.offsetMinutes))
    }

    /// The lines of a basket and what they total.
    public struct Basket: Sendable {
        /// The lines as the till sends them (no category: the catalog's is used).
        public var lines: [ReceiptLine]
        /// Sum of `qty × price` over the lines, which is what list pricing charges.
        public var total: Int64
    }

    /// `count` baskets of `linesPerReceipt` lines over `products`, from a fixed seed.
    public static func baskets(count: Int, linesPerReceipt: Int, products: [Product], seed: UInt64 = 42) -> [Basket] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var lines: [ReceiptLine] = []
            lines.reserveCapacity(linesPerReceipt)
            var total: Int64 = 0
            for _ in 0..<linesPerReceipt {
                let product = products[Int(rng.next() % UInt64(products.count))]
                let qty = product.flags.contains(.weighed)
                    ? Quantity(thousandths: Int64(150 + rng.next() % 1_850))
                    : Quantity(pieces: Int64(1 + rng.next() % 3))
                total += qty.amount(price: product.price)!
                lines.append(ReceiptLine(sku: product.sku, qty: qty, price: product.price))
            }
            return Basket(lines: lines, total: total)
        }
    }

    /// Receipt `number` of the day: basket `number % baskets.count`, terminal T01–T20, a card on
    /// every other receipt (one of `customers` cards), paid by card or cash for the exact total,
    /// closed 100 ms after the previous one.
    public static func receipt(_ number: Int, baskets: [Basket], customers: Int) -> Receipt {
        let basket = baskets[number % baskets.count]
        let card: CardNumber? = number % 2 == 0 ? Workload.card(Int(UInt64(number &* 2_654_435_761) % UInt64(customers))) : nil
        return Receipt(id: "R\(number)", store: "S001", terminal: "T\(10 + number % 20)", cashier: "C\(100 + number % 50)",
                       at: Timestamp(epochMilliseconds: opening.epochMilliseconds + Int64(number) * 100,
                                     offsetMinutes: opening.offsetMinutes),
                       customer: card, lines: basket.lines,
                       payments: [Payment(method: number % 3 == 0 ? .cash : .card, amount: basket.total)])
    }
}

/// A small fast deterministic generator (SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
