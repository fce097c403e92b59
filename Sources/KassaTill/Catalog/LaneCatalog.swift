import Foundation
import KassaCore

/// The catalog and loyalty rules a lane keeps, fetched from the server and saved next to the
/// outbox, so a lane restarted while the server is away still knows its goods and prices.
public struct LaneCatalog: Sendable {
    /// A product as the lane sells it.
    public struct Item: Hashable, Sendable, Codable {
        public var sku: String
        public var name: String
        public var category: String
        public var price: Int64
        public var weighed: Bool
        public var neverDiscounted: Bool
    }

    /// The rules in force when fetched: their version and the document the engine reads.
    public struct Rules: Hashable, Sendable, Codable {
        public var version: UInt32
        public var document: String
    }

    public private(set) var items: [String: Item] = [:]
    public var rules: Rules?
    /// The catalog as the Ledger's pricing reads it, for pricing offline: built once per fetch,
    /// not once per quote.
    public let ledgerCatalog: Catalog

    public init(items: [Item] = [], rules: Rules? = nil) {
        for item in items { self.items[item.sku] = item }
        self.rules = rules
        ledgerCatalog = Self.ledgerCatalog(Array(self.items.values))
    }

    /// The item sold under `code`, if the catalog has it.
    public func item(_ code: String) -> Item? { items[code] }

    private static func ledgerCatalog(_ items: [Item]) -> Catalog {
        var catalog = Catalog()
        var products: [Product] = []
        for item in items.sorted(by: { $0.sku < $1.sku }) {
            guard let sku = try? SKU(validating: item.sku) else { continue }
            var flags: Product.Flags = []
            if item.weighed { flags.insert(.weighed) }
            if item.neverDiscounted { flags.insert(.neverDiscounted) }
            products.append(Product(sku: sku, name: item.name, category: item.category, price: item.price, flags: flags))
        }
        catalog.upsertLoaded(products)
        return catalog
    }

    /// The rules as the pricing engine reads them, or nil without rules.
    public func rulesRecord() -> RulesRecord? {
        rules.map { RulesRecord(version: $0.version, document: $0.document, by: "lane cache", at: Timestamp(epochMilliseconds: 0)) }
    }

    // MARK: - Fetching and keeping

    /// Fetches the whole catalog and the rules; nil items or rules when the server did not
    /// answer (the cache stays as it was).
    public static func fetch(from client: LaneServerClient) -> (items: [Item]?, rules: Rules?, problem: String?) {
        var items: [Item] = []
        var after = 0
        for _ in 0..<10_000 {
            guard case .answered(_, let body) = client.call("GET", "/v1/products?limit=10000&after=\(after)") else {
                return (nil, nil, "the catalog could not be fetched from \(client.baseURL.absoluteString)")
            }
            for product in body["products"] as? [[String: Any]] ?? [] {
                guard let sku = product["sku"] as? String, let name = product["name"] as? String,
                      let price = (product["price"] as? NSNumber)?.int64Value else { continue }
                items.append(Item(sku: sku, name: name, category: product["category"] as? String ?? "", price: price,
                                  weighed: product["weighed"] as? Bool ?? false, neverDiscounted: product["never_discounted"] as? Bool ?? false))
            }
            guard let next = body["next_after"] as? Int, next > after else { break }
            after = next
        }
        guard case .answered(_, let body) = client.call("GET", "/v1/rules") else {
            return (items, nil, "the loyalty rules could not be fetched; the lane keeps the rules it had")
        }
        let version = (body["version"] as? NSNumber)?.uint32Value ?? 0
        let rules = version == 0 ? nil : (body["document"] as? String).map { Rules(version: version, document: $0) }
        return (items, rules, nil)
    }

    /// Reads the cache saved in `directory`; an empty catalog when there is none yet.
    public static func load(directory: String) throws -> LaneCatalog {
        let decoder = JSONDecoder()
        var catalog = LaneCatalog()
        if let data = FileManager.default.contents(atPath: directory + "/catalog.json") {
            do {
                catalog = LaneCatalog(items: try decoder.decode([Item].self, from: data))
            } catch {
                throw OutboxError("\(directory)/catalog.json does not read (\(error)); delete it and the lane fetches the catalog again")
            }
        }
        if let data = FileManager.default.contents(atPath: directory + "/rules.json") {
            catalog.rules = try? decoder.decode(Rules.self, from: data)
        }
        return catalog
    }

    /// Saves the cache in `directory`, each file written under a temporary name and renamed.
    public func save(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(items.values.sorted { $0.sku < $1.sku }).write(to: URL(fileURLWithPath: directory + "/catalog.json"), options: .atomic)
        if let rules {
            try encoder.encode(rules).write(to: URL(fileURLWithPath: directory + "/rules.json"), options: .atomic)
        }
    }
}
