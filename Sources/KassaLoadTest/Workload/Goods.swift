import Foundation

/// One product of the generated catalog.
public struct GeneratedProduct: Sendable, Equatable {
    public var sku: String
    public var name: String
    public var category: String
    /// Shelf price in minor units (per kilogram for weighed goods).
    public var price: Int64
    public var weighed: Bool
    public var neverDiscounted: Bool
}

/// A loyalty member of the generated programme.
public struct GeneratedMember: Sendable, Equatable {
    public var card: String
    public var phone: String
    public var name: String
    /// YYYY-MM-DD
    public var birthdate: String
    public var source: String
}

/// The generated catalog: `count` goods in a hypermarket's categories, ranked by popularity
/// (rank 0 sells most), the same for the same seed.
public struct GeneratedCatalog: Sendable {
    /// Category code, share of the assortment, mean shelf price (minor units), weighed.
    static let categories: [(code: String, share: Double, meanPrice: Double, weighed: Bool)] = [
        ("grocery", 0.20, 12_000, false), ("dairy", 0.10, 9_000, false), ("bakery", 0.05, 6_000, false),
        ("snacks", 0.08, 11_000, false), ("drinks", 0.10, 13_000, false), ("frozen", 0.06, 25_000, false),
        ("household", 0.10, 35_000, false), ("personal-care", 0.08, 30_000, false), ("confectionery", 0.06, 15_000, false),
        ("alcohol", 0.04, 90_000, false), ("tobacco", 0.01, 22_000, false), ("pets", 0.02, 40_000, false),
        ("baby", 0.02, 45_000, false), ("produce", 0.05, 15_000, true), ("meat", 0.03, 60_000, true),
    ]

    public let products: [GeneratedProduct]

    public init(count: Int, seed: UInt64) {
        var random = SeededGenerator(seed: seed ^ 0xCA7A_1060)
        var cumulative: [Double] = []
        var total = 0.0
        for category in Self.categories {
            total += category.share
            cumulative.append(total)
        }
        var products: [GeneratedProduct] = []
        products.reserveCapacity(count)
        for index in 0..<count {
            let u = random.unit() * total
            let category = Self.categories[cumulative.firstIndex(where: { u < $0 }) ?? Self.categories.count - 1]
            // Prices end in .90 or .00, as on shelves; between 9.90 and 99,999.90.
            let raw = random.logNormal(mean: category.meanPrice, sigma: 0.7)
            let rubles = min(max(Int64(raw / 100), 9), 99_999)
            let price = rubles * 100 + (random.chance(0.7) ? 90 : 0)
            let sku = category.weighed ? Self.weighedCode(index) : Self.ean13(prefix: "460", number: index)
            let neverDiscounted = category.code == "tobacco" || (category.code == "alcohol" && random.chance(0.5))
            products.append(GeneratedProduct(sku: sku, name: "\(category.code) item \(index + 1)", category: category.code,
                                             price: price, weighed: category.weighed, neverDiscounted: neverDiscounted))
        }
        self.products = products
    }

    /// An EAN-13 of `prefix` and `number`, with its check digit.
    static func ean13(prefix: String, number: Int) -> String {
        let body = prefix + String(repeating: "0", count: max(0, 12 - prefix.count - String(number).count)) + String(number)
        return body + String(checkDigit(body))
    }

    /// The catalog code of a weighed item: "21", a 5-digit item code, five zeros (the weight a
    /// scale would print) and the check digit.
    static func weighedCode(_ index: Int) -> String {
        let item = String(index % 100_000)
        let body = "21" + String(repeating: "0", count: 5 - item.count) + item + "00000"
        return body + String(checkDigit(body))
    }

    /// The GS1 check digit of 12 digits.
    static func checkDigit(_ body: String) -> Int {
        var sum = 0
        for (position, character) in body.reversed().enumerated() {
            let digit = Int(character.asciiValue! - 48)
            sum += position % 2 == 0 ? digit * 3 : digit
        }
        return (10 - sum % 10) % 10
    }
}

/// The members of the generated programme: member `index` is the same person in every run with
/// the same seed, so a second run finds the first run's members.
public struct GeneratedMembers: Sendable {
    public let count: Int
    let seed: UInt64
    static let sources = ["till", "flyer", "web", "app", "referral", "partner"]

    public init(count: Int, seed: UInt64) {
        self.count = count
        self.seed = seed
    }

    public func card(_ index: Int) -> String {
        let digits = String(index)
        return "77" + String(repeating: "0", count: 11 - digits.count) + digits
    }

    public func member(_ index: Int) -> GeneratedMember {
        var random = SeededGenerator(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        let year = 1950 + Int(random.next() % 55)
        let month = 1 + Int(random.next() % 12)
        let days = [31, year % 4 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        let day = 1 + Int(random.next() % UInt64(days))
        let phone = 9_000_000_000 + random.next() % 1_000_000_000
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return GeneratedMember(card: card(index), phone: "+7\(phone)", name: "Member \(index + 1)",
                               birthdate: "\(year)-\(two(month))-\(two(day))",
                               source: Self.sources[Int(random.next() % UInt64(Self.sources.count))])
    }
}
