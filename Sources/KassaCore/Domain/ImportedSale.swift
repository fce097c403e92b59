/// A receipt from another system's history, brought in by `kassa import sales`.
///
/// It is not priced by the loyalty rules and earns no points: it records the total it was given.
/// Each one is its own command, so each lands on its own journal position and history row (the
/// history tables and the analytics that read them key sales by journal position). The import
/// it belongs to and its place in it (`importID`, `ordinal`) make a rerun of the same file after
/// a failure a duplicate rather than a second copy.
public struct ImportedSale: Hashable, Sendable {
    /// The import this receipt belongs to: derived from the file's content, the same on a rerun.
    public var importID: String
    /// The receipt's position in the import, from 0.
    public var ordinal: UInt32
    /// The receipt id from the file, or one made up from the line number.
    public var id: String
    /// Store code, or empty.
    public var store: String
    /// Terminal code, or empty.
    public var terminal: String
    /// When the purchase was made.
    public var at: Timestamp
    /// The loyalty card, or nil for a receipt without one.
    public var customer: CardNumber?
    /// The receipt total, in minor units.
    public var total: Int64
    /// Lines, when the file gave them; their amounts add up to `total`.
    public var lines: [ImportedLine]

    /// A receipt to import.
    public init(importID: String, ordinal: UInt32, id: String, store: String = "", terminal: String = "", at: Timestamp,
                customer: CardNumber?, total: Int64, lines: [ImportedLine] = []) {
        self.importID = importID
        self.ordinal = ordinal
        self.id = id
        self.store = store
        self.terminal = terminal
        self.at = at
        self.customer = customer
        self.total = total
        self.lines = lines
    }
}

/// One line of an imported receipt.
public struct ImportedLine: Hashable, Sendable {
    /// The product.
    public var sku: SKU
    /// Quantity sold.
    public var qty: Quantity
    /// Unit price, in minor units.
    public var price: Int64

    /// A line.
    public init(sku: SKU, qty: Quantity, price: Int64) {
        self.sku = sku
        self.qty = qty
        self.price = price
    }

    /// `qty × price` rounded half-up (the contract's line amount), nil on overflow.
    public var amount: Int64? { qty.amount(price: price) }
}

/// An imported receipt as journaled: the receipt, its lines' categories from the catalog at the
/// time, and the customer it enrolled when its card was new to Kassa.
public struct ImportedSaleRecord: Hashable, Sendable {
    /// The receipt.
    public var sale: ImportedSale
    /// The catalog category of each line ("" for a product the catalog does not know).
    public var categories: [String]
    /// The customer this receipt enrolled (source `import`, enrolled at the purchase), if any.
    public var enrolled: Customer?

    /// A record.
    public init(sale: ImportedSale, categories: [String], enrolled: Customer?) {
        self.sale = sale
        self.categories = categories
        self.enrolled = enrolled
    }
}
