/// The products the store sells, by SKU.
public struct Catalog: Hashable, Sendable {
    private var products: [SKU: Product] = [:]

    /// An empty catalog.
    public init() {}

    /// The product with `sku`, if known.
    public func product(_ sku: SKU) -> Product? { products[sku] }

    /// How many products there are.
    public var count: Int { products.count }

    /// Every product, in no particular order.
    public var all: Dictionary<SKU, Product>.Values { products.values }

    /// Inserts products read from a snapshot.
    public mutating func upsertLoaded(_ items: [Product]) { upsert(items) }

    /// Inserts or replaces products.
    mutating func upsert(_ items: [Product]) {
        for item in items { products[item.sku] = item }
    }
}
