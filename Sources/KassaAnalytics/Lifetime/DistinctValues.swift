/// The distinct values of a column and, per row, the index of its value: lets a likelihood take
/// a logarithm once per distinct age or recency instead of once per customer.
struct DistinctValues {
    /// Largest whole number indexed through a dense table instead of a dictionary: days of
    /// age or recency stay far below it, and the table costs 4 bytes per possible value.
    static let denseValueMax = 1 << 22

    /// The distinct values, in order of first appearance.
    var values: [Double] = []
    /// For each input row, the position of its value in `values`.
    var index: [UInt32] = []

    /// Indexes `column`, whose values are finite.
    init(_ column: [Double]) {
        index.reserveCapacity(column.count)
        if let top = Self.denseTop(column) {
            indexDensely(column, top: top)
        } else {
            indexByDictionary(column)
        }
    }

    /// The largest value when every value is a whole number in 0...denseValueMax, else nil.
    private static func denseTop(_ column: [Double]) -> Int? {
        var top = 0.0
        for value in column {
            guard value >= 0, value <= Double(denseValueMax), value == value.rounded(.down) else { return nil }
            top = max(top, value)
        }
        return Int(top)
    }

    private mutating func indexDensely(_ column: [Double], top: Int) {
        var slot = [Int32](repeating: -1, count: top + 1)
        for value in column {
            let whole = Int(value)
            if slot[whole] < 0 {
                slot[whole] = Int32(values.count)
                values.append(value)
            }
            index.append(UInt32(slot[whole]))
        }
    }

    private mutating func indexByDictionary(_ column: [Double]) {
        var slot: [UInt64: UInt32] = [:]
        for value in column {
            // -0.0 and 0.0 are one value but two bit patterns.
            let key = (value == 0 ? 0.0 : value).bitPattern
            if let existing = slot[key] {
                index.append(existing)
            } else {
                let position = UInt32(values.count)
                slot[key] = position
                values.append(value)
                index.append(position)
            }
        }
    }
}
