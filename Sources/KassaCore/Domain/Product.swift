/// A catalog item.
public struct Product: Hashable, Sendable {
    /// Its code.
    public var sku: SKU
    /// Name as printed on receipts.
    public var name: String
    /// Category (`meat`, `tobacco`), used by rules, reports and spend per category.
    public var category: String
    /// Shelf price per unit (per kilogram for weighed goods), in minor units.
    public var price: Int64
    /// Properties that change how the item is sold.
    public var flags: Flags

    /// Properties of a catalog item.
    public struct Flags: OptionSet, Hashable, Sendable {
        /// The raw bits.
        public let rawValue: UInt8
        /// A flag set from its bits (inlinable: pricing makes one per line, in another module).
        @inlinable
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// No discount may ever apply (tobacco, where the law forbids discounts).
        public static let neverDiscounted = Flags(rawValue: 1 << 0)
        /// Sold by weight: quantities are kilograms with up to three decimals.
        public static let weighed = Flags(rawValue: 1 << 1)
        /// Age-restricted: the till must check ID.
        public static let ageRestricted = Flags(rawValue: 1 << 2)
    }

    /// Longest name kept.
    public static let nameLengthMax = 200

    /// A catalog item.
    public init(sku: SKU, name: String, category: String, price: Int64, flags: Flags = []) {
        self.sku = sku
        self.name = name
        self.category = category
        self.price = price
        self.flags = flags
    }
}
