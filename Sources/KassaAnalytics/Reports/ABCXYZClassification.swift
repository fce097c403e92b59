/// ABC and XYZ classes of the items of an `ItemDemand`, in report order.
struct ABCXYZClassification: Sendable {
    /// The classified items (indices in the facts), revenue descending, code ascending among
    /// equal revenues.
    let order: [Int32]
    /// Per position in `order`: the ABC class (0 A, 1 B, 2 C), the XYZ class (0 X, 1 Y, 2 Z),
    /// and the cumulative revenue up to and including the item.
    let abc: [UInt8]
    let xyz: [UInt8]
    let cumulative: [Int64]
    /// The revenue shares are of: the sum of the positive revenues.
    let totalPositive: Int64
    let demand: ItemDemand

    static let abcLabels = ["A", "B", "C"]
    static let xyzLabels = ["X", "Y", "Z"]
    static let classLabels = ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"]

    /// Classifies the present items of `demand`; `code(item)` orders items of equal revenue.
    init(_ demand: ItemDemand, options: AnalyticsOptions, code: (Int) -> String) {
        self.demand = demand
        let order = Self.rank(demand, code: code)
        self.order = order
        totalPositive = order.reduce(0) { $0 + max(demand.revenue[Int($1)], 0) }

        var abc = [UInt8](repeating: 2, count: order.count)
        var xyz = [UInt8](repeating: 2, count: order.count)
        var cumulative = [Int64](repeating: 0, count: order.count)
        var running: Int64 = 0
        var groupClass: UInt8 = 0
        var previous: Int64?
        for position in order.indices {
            let item = Int(order[position])
            let revenue = demand.revenue[item]
            // The class of a run of equal revenues is decided by the share before its first item.
            if revenue != previous {
                groupClass = Self.abcClass(revenue: revenue, before: running, total: totalPositive, options: options)
                previous = revenue
            }
            running += revenue
            abc[position] = groupClass
            cumulative[position] = running
            xyz[position] = Self.xyzClass(demand.cv[item], options: options)
        }
        self.abc = abc
        self.xyz = xyz
        self.cumulative = cumulative
    }

    /// A while the revenue before the item is under the A share of the total, B while under the
    /// A+B share, C after; an item without positive revenue is C.
    static func abcClass(revenue: Int64, before: Int64, total: Int64, options: AnalyticsOptions) -> UInt8 {
        guard revenue > 0, total > 0 else { return 2 }
        let shareBefore = Double(before) / Double(total)
        return shareBefore < options.abcAShare ? 0 : shareBefore < options.abcBShare ? 1 : 2
    }

    /// X at or below the X limit, Y at or below the Y limit, Z above it or without demand.
    static func xyzClass(_ cv: Double?, options: AnalyticsOptions) -> UInt8 {
        guard let cv else { return 2 }
        return cv <= options.xyzXMax ? 0 : cv <= options.xyzYMax ? 1 : 2
    }

    /// The present items by revenue descending, then code. Revenue and index are packed into
    /// one integer whenever they fit (always, outside a test of extremes) and radix-sorted;
    /// runs of equal revenue are then put in code order (byte order of the UTF-8 text).
    static func rank(_ demand: ItemDemand, code: (Int) -> String) -> [Int32] {
        var items: [Int32] = []
        items.reserveCapacity(demand.present.count)
        var highest = Int64.min, lowest = Int64.max
        for item in demand.present.indices where demand.present[item] {
            items.append(Int32(item))
            highest = max(highest, demand.revenue[item])
            lowest = min(lowest, demand.revenue[item])
        }
        guard !items.isEmpty else { return [] }
        let indexBits = UInt64.bitWidth - UInt64(demand.present.count).leadingZeroBitCount
        let (span, overflow) = highest.subtractingReportingOverflow(lowest)
        let spanBits = overflow ? UInt64.bitWidth : UInt64.bitWidth - UInt64(span).leadingZeroBitCount
        if spanBits + indexBits <= UInt64.bitWidth {
            var keys = items.map { item in (UInt64(highest - demand.revenue[Int(item)]) << UInt64(indexBits)) | UInt64(item) }
            keys.radixSort(significantBits: spanBits + indexBits)
            let mask = (UInt64(1) << UInt64(indexBits)) - 1
            items = keys.map { Int32(truncatingIfNeeded: $0 & mask) }
        } else {
            items.sort { demand.revenue[Int($0)] != demand.revenue[Int($1)] ? demand.revenue[Int($0)] > demand.revenue[Int($1)] : $0 < $1 }
        }
        var start = 0
        while start < items.count {
            let revenue = demand.revenue[Int(items[start])]
            var end = start + 1
            while end < items.count && demand.revenue[Int(items[end])] == revenue { end += 1 }
            if end - start > 1 { orderByCode(&items, start..<end, code: code) }
            start = end
        }
        return items
    }

    /// Puts `items[run]` in code order: by insertion for the short runs ties usually make, by
    /// a comparison sort for long ones (many items without revenue).
    private static func orderByCode(_ items: inout [Int32], _ run: Range<Int>, code: (Int) -> String) {
        guard run.count <= 16 else {
            items[run].sort { code(Int($0)).utf8.lexicographicallyPrecedes(code(Int($1)).utf8) }
            return
        }
        for index in run.dropFirst() {
            let item = items[index], key = code(Int(item))
            var slot = index
            while slot > run.lowerBound && key.utf8.lexicographicallyPrecedes(code(Int(items[slot - 1])).utf8) {
                items[slot] = items[slot - 1]
                slot -= 1
            }
            items[slot] = item
        }
    }
}
