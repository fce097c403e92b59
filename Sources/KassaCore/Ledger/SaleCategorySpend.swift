/// A sale's net spend per category, in the order categories first appear on it, counting only
/// lines with a net amount (as `CustomerAccount.categorySpend` does).
///
/// Adding these totals to an account gives the same list as adding line by line: new
/// categories are appended in the same order, and existing ones get the same sums (a category
/// whose lines cancel out still gets its entry, as it would line by line).
struct SaleCategorySpend: Sequence {
    /// One category's total over the sale.
    struct Entry {
        /// The category.
        var category: String
        /// Net spend over its lines.
        var spend: Int64
    }

    private var entries: [Entry] = []
    private var hashes: [UInt64] = []

    /// The totals of `lines`.
    init(_ lines: [SoldLine]) {
        for line in lines {
            let net = line.priced.net
            guard net != 0 else { continue }
            add(line.priced.category, net)
        }
    }

    private mutating func add(_ category: String, _ net: Int64) {
        let hash = ByteHash.of(category)
        for index in hashes.indices where hashes[index] == hash && entries[index].category == category {
            entries[index].spend += net
            return
        }
        if entries.isEmpty {
            entries.reserveCapacity(8)
            hashes.reserveCapacity(8)
        }
        hashes.append(hash)
        entries.append(Entry(category: category, spend: net))
    }

    /// The totals in first-appearance order.
    func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
