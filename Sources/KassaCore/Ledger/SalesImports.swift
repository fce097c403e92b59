/// Which receipts of which imports the Ledger has applied, so that a rerun of an import after a
/// failure part-way (a crash, a full disk) applies only what is missing.
///
/// Receipts of an import are submitted in order, so what was applied is nearly always one run
/// of ordinals from 0; it is kept as sorted, disjoint, half-open runs, a few bytes per import.
/// Kept in the snapshot with the Ledger's totals.
public struct SalesImports: Hashable, Sendable {
    /// Applied ordinals per import id, as sorted disjoint runs `lower..<upper`.
    public private(set) var applied: [String: [Range<UInt32>]] = [:]

    /// Nothing imported.
    public init() {}

    /// Imports the Ledger knows of.
    public var count: Int { applied.count }

    /// True when receipt `ordinal` of import `id` was applied.
    public func contains(_ id: String, _ ordinal: UInt32) -> Bool {
        guard let runs = applied[id] else { return false }
        let index = SalesImports.firstRun(in: runs, endingAfter: ordinal)
        return index < runs.count && runs[index].contains(ordinal)
    }

    /// Receipts of import `id` applied so far.
    public func receipts(_ id: String) -> Int {
        applied[id]?.reduce(0) { $0 + $1.count } ?? 0
    }

    /// Marks receipt `ordinal` of import `id` applied.
    mutating func insert(_ id: String, _ ordinal: UInt32) {
        var runs = applied[id] ?? []
        let index = SalesImports.firstRun(in: runs, endingAfter: ordinal)
        if index < runs.count, runs[index].contains(ordinal) { return }
        let joinsBefore = index > 0 && runs[index - 1].upperBound == ordinal
        let joinsAfter = index < runs.count && ordinal < UInt32.max && runs[index].lowerBound == ordinal + 1
        switch (joinsBefore, joinsAfter) {
        case (true, true):
            runs[index - 1] = runs[index - 1].lowerBound..<runs[index].upperBound
            runs.remove(at: index)
        case (true, false):
            runs[index - 1] = runs[index - 1].lowerBound..<(ordinal + 1)
        case (false, true):
            runs[index] = ordinal..<runs[index].upperBound
        case (false, false):
            runs.insert(ordinal..<(ordinal + 1), at: index)
        }
        applied[id] = runs
    }

    /// Puts loaded runs in place (snapshot recovery).
    public mutating func load(_ id: String, runs: [Range<UInt32>]) {
        applied[id] = runs
    }

    /// Index of the first run whose upper bound is above `ordinal` (binary search).
    private static func firstRun(in runs: [Range<UInt32>], endingAfter ordinal: UInt32) -> Int {
        var low = 0
        var high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].upperBound <= ordinal { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
