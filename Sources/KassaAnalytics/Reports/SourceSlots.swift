/// Acquisition sources numbered as a report meets them, so that per-source sums live in arrays
/// indexed by slot. Customers come mostly in runs of one source, so the last source is checked
/// before the dictionary.
struct SourceSlots {
    /// The source text of each slot, as enrolled (empty when none was given).
    private(set) var sources: [String] = []
    private var slotOfSource: [String: Int] = [:]
    private var lastSource: String?
    private var lastSlot = 0

    /// The label a report shows for a customer enrolled without a source.
    static let noneLabel = "none"

    /// The slot of `source`, numbered on first sight.
    mutating func slot(_ source: String) -> Int {
        if let lastSource, lastSource == source { return lastSlot }
        let slot: Int
        if let known = slotOfSource[source] {
            slot = known
        } else {
            slot = sources.count
            sources.append(source)
            slotOfSource[source] = slot
        }
        lastSource = source
        lastSlot = slot
        return slot
    }

    /// Slots in the order of their labels.
    var orderedByLabel: [Int] { sources.indices.sorted { label($0) < label($1) } }

    /// The label of `slot`: the source, or `none`.
    func label(_ slot: Int) -> String { sources[slot].isEmpty ? Self.noneLabel : sources[slot] }
}
