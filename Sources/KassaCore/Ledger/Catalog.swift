import Synchronization

/// The products the store sells, by SKU.
///
/// Every sale looks up each of its lines here, so products sit in one array with an
/// `InternTable` of SKUs beside it: the SKU numbered n is `products[n]`. Products are never
/// removed, only replaced, so the numbering holds.
public struct Catalog: Hashable, Sendable {
    private var products: [Product] = []
    private var skus = InternTable<SKU>()
    /// Per product, its category's number in `categories` (high bits) and its flags (low
    /// byte): pricing reads four bytes a line here instead of a whole product, through the
    /// inlinable `pricingFacts(number:)` (a call into this module on every line cost more).
    @usableFromInline private(set) var facts: [UInt32] = []
    private var categories = InternTable<String>()
    /// A stamp no other change of any catalog in the process has had: taken anew whenever
    /// products are inserted or replaced, so that a price worked out on this catalog can be
    /// known to still hold (`QuotedPricing`). Not part of `==`.
    public private(set) var generation: UInt64 = 0
    private static let generations = Atomic<UInt64>(0)

    /// An empty catalog.
    public init() {}

    /// The product with `sku`, if known.
    public func product(_ sku: SKU) -> Product? { skus.id(of: sku).map { products[$0] } }

    /// The category of the product with `sku`, if known (pricing's hot path: no product copy).
    func category(of sku: SKU) -> String? { skus.id(of: sku).map { category(id: $0, packed: facts[$0]) } }

    /// The category and flags of the product with `sku`, if known: what pricing a line needs,
    /// without copying the product's name.
    public func pricingFacts(of sku: SKU) -> (category: String, flags: Product.Flags)? {
        guard let id = skus.id(of: sku) else { return nil }
        let packed = facts[id]
        return (category(id: id, packed: packed), Product.Flags(rawValue: UInt8(truncatingIfNeeded: packed)))
    }

    /// The product number of each line's SKU (−1: not in the catalog), for `pricingFacts(number:)`:
    /// a basket's lines are looked up together, which overlaps their cache misses. `hashes`
    /// gets each SKU code's `ByteHash`, for the caller's own tables of codes.
    public func productNumbers(of lines: [ReceiptLine], into numbers: UnsafeMutableBufferPointer<Int32>,
                               hashes: UnsafeMutableBufferPointer<UInt64>) {
        precondition(numbers.count >= lines.count && hashes.count >= lines.count, "one number and one hash per line")
        lines.withUnsafeBufferPointer { lines in
            skus.ids(count: lines.count, key: { lines[$0].sku }, into: numbers, hashes: hashes)
        }
    }

    /// `productNumbers(of:into:hashes:)`, copied from `lookup` when it was made on this very
    /// catalog (the same `generation`) for as many lines: the submitting thread looked the lines
    /// up ahead of the writer. A separate function, so that pricing without a lookup (every
    /// quote) runs exactly the code it ran before.
    public func productNumbers(of lines: [ReceiptLine], into numbers: UnsafeMutableBufferPointer<Int32>,
                               hashes: UnsafeMutableBufferPointer<UInt64>, lookup: CatalogLookup?) {
        if let lookup, lookup.generation == generation {
            precondition(numbers.count >= lines.count && hashes.count >= lines.count, "one number and one hash per line")
            if lookup.copy(lineCount: lines.count, into: numbers, hashes: hashes) { return }
        }
        productNumbers(of: lines, into: numbers, hashes: hashes)
    }

    /// What pricing needs of product `number` (from `productNumbers(of:into:hashes:)`): its category's
    /// number (for `categoryName(number:)`; nil when the category is read from the product, one
    /// of more than sixteen million) and its flags.
    @inlinable @inline(__always)
    public func pricingFacts(number: Int) -> (category: Int?, flags: Product.Flags) {
        let packed = facts[number]
        let category = packed >> 8
        return (category == Catalog.unpackedCategory ? nil : Int(category), Product.Flags(rawValue: UInt8(truncatingIfNeeded: packed)))
    }

    /// The category of product `number`, however it is held.
    func category(ofNumber number: Int) -> String { category(id: number, packed: facts[number]) }

    /// The name of category `number`.
    public func categoryName(number: Int) -> String { categories[number] }

    /// The category of product `number`, read from the product.
    public func category(ofProduct number: Int) -> String { products[number].category }

    /// Category numbers from here on do not fit the packed facts; those products' categories
    /// are read from the products themselves (sixteen million categories: never in practice).
    @usableFromInline static var unpackedCategory: UInt32 { 0xFF_FFFF }

    private func category(id: Int, packed: UInt32) -> String {
        let number = packed >> 8
        return number == Catalog.unpackedCategory ? products[id].category : categories[Int(number)]
    }

    /// How many products there are.
    public var count: Int { products.count }

    /// Every product, in the order first inserted.
    public var all: [Product] { products }

    /// Inserts products read from a snapshot.
    public mutating func upsertLoaded(_ items: [Product]) { upsert(items) }

    /// Inserts or replaces products.
    mutating func upsert(_ items: [Product]) {
        generation = Catalog.generations.add(1, ordering: .relaxed).newValue
        for item in items {
            let id = skus.intern(item.sku)
            let category = min(UInt32(clamping: categories.intern(item.category)), Catalog.unpackedCategory)
            let packed = category << 8 | UInt32(item.flags.rawValue)
            if id == products.count {
                products.append(item)
                facts.append(packed)
            } else {
                products[id] = item
                facts[id] = packed
            }
        }
    }

    /// Catalogs are equal when they hold the same products, whatever the order of insertion.
    public static func == (lhs: Catalog, rhs: Catalog) -> Bool {
        lhs.products.count == rhs.products.count && lhs.products.allSatisfy { rhs.product($0.sku) == $0 }
    }

    /// Hashes what `==` compares, independently of order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(products.count)
        hasher.combine(products.reduce(0) { $0 ^ $1.hashValue })
    }
}

/// The product number and SKU hash of each line of a basket, looked up ahead of pricing in the
/// catalog of generation `generation` (`Catalog.productNumbers`).
///
/// The lookups are cache misses, a tenth of the journal writer's time on a sale it prices. A
/// submitting thread makes them on the catalog last published to it and hands them on with the
/// sale (`SalePrecheck`); the writer copies them when its catalog is still that one, and looks
/// the lines up itself otherwise. Generations are unique to each state of a catalog in the
/// process (an empty catalog is 0), so equal generations mean equal answers.
public struct CatalogLookup: Sendable {
    /// The `Catalog.generation` the lines were looked up in.
    public let generation: UInt64
    /// Each line's SKU hash, then each line's product number (−1: not in the catalog) as the
    /// bit pattern of a 64-bit integer: one allocation for both.
    private let words: [UInt64]

    /// `lines` looked up in `catalog`.
    public init(_ lines: [ReceiptLine], in catalog: Catalog) {
        let count = lines.count
        generation = catalog.generation
        var words = [UInt64](repeating: 0, count: 2 * count)
        words.withUnsafeMutableBufferPointer { words in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, count)) { numbers in
                catalog.productNumbers(of: lines, into: numbers, hashes: UnsafeMutableBufferPointer(rebasing: words[0..<count]))
                for index in 0..<count { words[count + index] = UInt64(bitPattern: Int64(numbers[index])) }
            }
        }
        self.words = words
    }

    /// How many lines were looked up.
    public var lineCount: Int { words.count / 2 }

    /// Copies the numbers and hashes of `lineCount` lines; false (nothing copied) when this
    /// lookup is of another number of lines.
    func copy(lineCount: Int, into numbers: UnsafeMutableBufferPointer<Int32>, hashes: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        guard words.count == 2 * lineCount else { return false }
        words.withUnsafeBufferPointer { words in
            for index in 0..<lineCount {
                hashes[index] = words[index]
                numbers[index] = Int32(truncatingIfNeeded: Int64(bitPattern: words[lineCount + index]))
            }
        }
        return true
    }
}
