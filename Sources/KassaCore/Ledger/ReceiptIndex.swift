/// The receipts the Ledger remembers: for idempotent retries (the same id answers the original
/// result), for returns and voids against earlier sales, and for `GET /v1/sales/{id}`.
///
/// Bounded by `LedgerLimits.receiptWindowDays` and `receiptIndexMax`; the oldest entries go
/// first. Eviction is driven only by journaled server times, so replay evicts exactly what the
/// live process did.
public struct ReceiptIndex: Hashable, Sendable {
    private enum Kind: UInt8, Hashable, Sendable { case sale, saleReturn, void }
    // Fields ordered so that an arrival takes 32 bytes.
    private struct Arrival: Hashable, Sendable {
        var id: String
        var seq: UInt64
        var day: Int32
        var kind: Kind
    }

    // Sales are the bulk of the index and are held packed (`ReceiptIndex+Packing.swift`);
    // returns and voids are few and small.
    private var sales = SaleTable()
    private var returns: [String: ReturnRecord] = [:]
    private var voids: [String: VoidRecord] = [:]
    /// Strings of packed sales (store, terminal, cashier, categories, rules, tiers, payment
    /// methods) by number. Bounded in practice by the store's codes and catalog, and never
    /// shrunk: a number must stay valid while any sale that uses it is held.
    var strings = InternTable<String>()
    // Arrival order for eviction; `head` advances instead of removing from the front.
    private var arrivals: [Arrival] = []
    private var head = 0
    /// Where `pack` writes a sale before copying it out at its exact size; kept because a
    /// fresh buffer per sale fragmented the heap around the packed sales that outlive it.
    var packBuffer: [UInt8] = []
    /// Where packed sales are copied (`store`); shared by copies of the index until one packs.
    var packCursor = PackedSaleCursor()
    /// The net spend per category of the sale last packed, kept so that recording a sale
    /// allocates nothing for it.
    var categoryNets: [CategoryNet] = []
    /// Numbers of the strings of replayed sales, by their bytes.
    var categoryCache = CategoryCache()
    /// Numbers of the strings of sales being recorded, by their bytes: kept apart from
    /// `categoryCache` because store, terminal and cashier codes are more than it holds.
    var stringCache = CategoryCache()
    /// The numbers in `strings` of the strings of the sale last packed, in the order of its
    /// table.
    var saleStringIds: [Int] = []
    /// Per string in `strings`, its place in the table of the sale being packed.
    var saleStringSlots: [SaleStringSlot] = []
    /// Sales packed so far from records, numbering their packings for `saleStringSlots`.
    var packings: UInt64 = 0

    /// An empty index.
    public init() {}

    /// Two indexes are equal when they hold the same receipts in the same arrival order; how
    /// far the arrival list happens to be compacted, and how strings happen to be numbered,
    /// does not matter.
    public static func == (lhs: ReceiptIndex, rhs: ReceiptIndex) -> Bool {
        guard lhs.sales.count == rhs.sales.count, lhs.returns == rhs.returns, lhs.voids == rhs.voids,
              lhs.arrivals[lhs.head...] == rhs.arrivals[rhs.head...] else { return false }
        return lhs.sales.sales.allSatisfy { packed in
            rhs.sales[packed.id].map { rhs.unpack($0) } == lhs.unpack(packed)
        }
    }

    /// Hashes part of what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(returns)
        hasher.combine(voids)
        hasher.combine(count)
        for arrival in arrivals[head...] { hasher.combine(arrival) }
    }

    /// Receipts of every kind held.
    public var count: Int { arrivals.count - head }

    /// Journal sequence number of the oldest receipt held: recovery must replay the journal
    /// from here to rebuild the index, so segments from here on are kept.
    public var oldestSeqHeld: UInt64? { head < arrivals.count ? arrivals[head].seq : nil }

    /// The sale with `id`, if still held.
    public func sale(_ id: String) -> SaleRecord? { sales[id].map { unpack($0) } }
    /// The return with `id`, if still held.
    public func saleReturn(_ id: String) -> ReturnRecord? { returns[id] }
    /// The void with `id`, if still held.
    public func void(_ id: String) -> VoidRecord? { voids[id] }

    /// Every sale held, in no particular order.
    public var allSales: [SaleRecord] { sales.sales.map { unpack($0) } }

    mutating func insert(_ record: SaleRecord, seq: UInt64, day: Int32) {
        sales.set(pack(record), for: record.id)
        arrivals.append(Arrival(id: record.id, seq: seq, day: day, kind: .sale))
    }

    /// Inserts a sale straight from its journal bytes (replay): the same as inserting it
    /// decoded. Leaves its net spend per category in `categoryNets`.
    mutating func insert(_ sale: JournaledSale, day: Int32) {
        sales.set(pack(sale), for: sale.id)
        arrivals.append(Arrival(id: sale.id, seq: sale.seq, day: day, kind: .sale))
    }

    mutating func insert(_ record: ReturnRecord, seq: UInt64, day: Int32) {
        returns[record.id] = record
        arrivals.append(Arrival(id: record.id, seq: seq, day: day, kind: .saleReturn))
    }

    mutating func insert(_ record: VoidRecord, seq: UInt64, day: Int32) {
        voids[record.id] = record
        arrivals.append(Arrival(id: record.id, seq: seq, day: day, kind: .void))
    }

    mutating func updateSale(_ id: String, _ body: (inout SaleRecord) -> Void) {
        guard let packed = sales.remove(id) else { return }
        var record = unpack(packed)
        body(&record)
        sales.set(pack(record), for: id)
    }

    /// Forgets the oldest receipts until at most `countMax` remain and none is older than
    /// `windowDays` before `today`.
    mutating func evict(today: Int32, windowDays: Int32, countMax: Int) {
        while head < arrivals.count, count > countMax || arrivals[head].day <= today - windowDays {
            let oldest = arrivals[head]
            switch oldest.kind {
            case .sale: sales.remove(oldest.id)
            case .saleReturn: returns[oldest.id] = nil
            case .void: voids[oldest.id] = nil
            }
            head += 1
        }
        // Compact now and then so the arrival list does not grow without bound.
        if head > 4096, head * 2 > arrivals.count {
            arrivals.removeFirst(head)
            head = 0
        }
    }
}
