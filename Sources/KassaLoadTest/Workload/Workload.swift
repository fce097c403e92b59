import Foundation

/// Everything a run generates from its seed: the catalog, the members and the stream of visits.
public struct Workload: Sendable {
    public let profile: Profile
    public let seed: UInt64
    public let catalog: GeneratedCatalog
    public let members: GeneratedMembers
    /// Put into every receipt id so that runs against the same server never reuse an id.
    public let runTag: String
    let skuPopularity: Zipf
    let memberPopularity: Zipf

    public init(profile: Profile, seed: UInt64, runTag: String) {
        self.profile = profile
        self.seed = seed
        self.runTag = runTag
        catalog = GeneratedCatalog(count: profile.skus, seed: seed)
        members = GeneratedMembers(count: profile.members, seed: seed)
        skuPopularity = Zipf(count: profile.skus, exponent: profile.skuSkew)
        memberPopularity = Zipf(count: max(profile.members, 1), exponent: profile.memberSkew)
    }

    public func store(ofLane lane: Int) -> String {
        let number = lane / profile.lanesPerStore + 1
        return number < 10 ? "H0\(number)" : "H\(number)"
    }

    /// "H01-T07" for a staffed lane, "H01-SCO03" for a self-checkout one.
    public func terminal(ofLane lane: Int) -> String {
        let inStore = lane % profile.lanesPerStore
        let staffed = profile.lanesPerStore - profile.selfCheckoutLanes
        let number = inStore < staffed ? inStore + 1 : inStore - staffed + 1
        let digits = number < 10 ? "0\(number)" : "\(number)"
        // Terminal codes carry the store's, so the lanes of a chain never share a shift.
        return store(ofLane: lane) + (inStore < staffed ? "-T\(digits)" : "-SCO\(digits)")
    }

    func isSelfCheckout(_ lane: Int) -> Bool {
        lane % profile.lanesPerStore >= profile.lanesPerStore - profile.selfCheckoutLanes
    }
}

/// The visits of a run in the order they arrive. Open loop (`rate` set): arrivals are a Poisson
/// process at `rate` receipts per second over the lanes, each lane as busy as its kind; closed
/// loop (`rate` nil): every visit is due at once and the workers take them as fast as they can.
public struct VisitSchedule {
    let workload: Workload
    let rate: Double?
    private var random: SeededGenerator
    private var clock = 0.0
    private var lanes: [LaneState]
    private var pending: [Visit] = []

    /// What the generator remembers of a lane, to return and void its own earlier sales.
    struct LaneState {
        /// The lane's store, terminal and cashier codes, and its receipts' id up to the number:
        /// made once, not for every receipt.
        var store: String
        var terminal: String
        var cashier: String
        var idPrefix: String
        var receipts = 0
        var shiftReceipts = 0
        var returns = 0
        var voids = 0
        var recent = RecentSales(capacity: VisitSchedule.recentKept)
    }

    struct RecentSale {
        var draft: SaleDraft
        /// Quantity returned of each line; empty until the first return.
        var returned: [Int64] = []
        var voided = false
        var touched: Bool { voided || returned.contains { $0 > 0 } }
    }

    /// How many of a lane's latest sales may be returned or voided; a sale is never picked
    /// before this many later ones, so it is long acknowledged when its return comes.
    static let recentKept = 24
    static let recentSkipped = 3

    public init(workload: Workload, rate: Double?) {
        self.workload = workload
        self.rate = rate
        random = SeededGenerator(seed: workload.seed ^ 0x5EED_0F_5A1E)
        lanes = (0..<workload.profile.lanes).map { lane in
            let terminal = workload.terminal(ofLane: lane)
            return LaneState(store: workload.store(ofLane: lane), terminal: terminal, cashier: "C\(lane + 1)",
                             idPrefix: "\(workload.runTag)-\(terminal)-")
        }
    }

    public mutating func next() -> Visit {
        if !pending.isEmpty { return pending.removeFirst() }
        if let rate { clock += random.exponential(mean: 1 / rate) }
        let lane = drawLane()
        let profile = workload.profile
        let roll = random.unit()
        if roll < profile.voidShare, let visit = makeVoid(lane: lane) { return visit }
        if roll >= profile.voidShare, roll < profile.voidShare + profile.returnShare, let visit = makeReturn(lane: lane) { return visit }
        return makeCheckout(lane: lane)
    }

    private mutating func drawLane() -> Int {
        let profile = workload.profile
        let slower = profile.laneSecondsPerReceipt / profile.selfCheckoutSecondsPerReceipt
        while true {
            let lane = Int(random.next() % UInt64(profile.lanes))
            if !workload.isSelfCheckout(lane) || random.chance(slower) { return lane }
        }
    }

    private mutating func makeCheckout(lane: Int) -> Visit {
        let profile = workload.profile
        let store = lanes[lane].store, terminal = lanes[lane].terminal
        lanes[lane].receipts += 1
        lanes[lane].shiftReceipts += 1
        let number = lanes[lane].receipts
        let count = min(max(Int(random.logNormal(mean: profile.basketMean, sigma: profile.basketSigma).rounded()), 1), 500)
        var lines: [LineDraft] = []
        lines.reserveCapacity(count)
        for _ in 0..<count {
            // The product's fields are read where they lie: a copy of the whole product would
            // retain its name, which no line needs.
            let index = workload.skuPopularity.draw(&random)
            let qty: Int64
            if workload.catalog.products[index].weighed {
                qty = 150 + Int64(random.next() % 1850)
            } else {
                let u = random.unit()
                qty = u < 0.8 ? 1000 : u < 0.95 ? 2000 : Int64(3 + random.next() % 4) * 1000
            }
            lines.append(LineDraft(sku: workload.catalog.products[index].sku, qty: qty, price: workload.catalog.products[index].price,
                                   category: workload.catalog.products[index].category))
        }
        var customer: String?
        if profile.members > 0, random.chance(profile.cardShare) {
            customer = workload.members.card(memberIndex(rank: workload.memberPopularity.draw(&random)))
        }
        let sale = SaleDraft(id: lanes[lane].idPrefix + String(number), store: store, terminal: terminal,
                             cashier: lanes[lane].cashier, customer: customer, lines: lines)
        var lookup: String?
        if profile.lookupEvery > 0, number % profile.lookupEvery == 0, profile.members > 0 {
            lookup = customer ?? workload.members.card(memberIndex(rank: workload.memberPopularity.draw(&random)))
        }
        lanes[lane].recent.append(RecentSale(draft: sale))
        if lanes[lane].shiftReceipts >= profile.shiftReceipts {
            lanes[lane].shiftReceipts = 0
            pending.append(Visit(due: clock, lane: lane, kind: .closeShift(store: store, terminal: terminal)))
        }
        return Visit(due: clock, lane: lane, kind: .checkout(sale, lookup: lookup))
    }

    /// Members by popularity rank, spread over the card numbers.
    private func memberIndex(rank: Int) -> Int {
        let count = workload.members.count
        return Int((UInt64(rank) &* 2_654_435_761) % UInt64(count))
    }

    /// Sales old enough to be returned or voided, oldest first.
    private func candidates(_ lane: Int) -> Range<Int> {
        0..<max(0, lanes[lane].recent.count - Self.recentSkipped)
    }

    private mutating func makeReturn(lane: Int) -> Visit? {
        let eligible = candidates(lane).filter { !lanes[lane].recent[$0].voided }
        guard !eligible.isEmpty else { return nil }
        let pick = eligible[Int(random.next() % UInt64(eligible.count))]
        var sale = lanes[lane].recent[pick]
        if sale.returned.isEmpty { sale.returned = Array(repeating: 0, count: sale.draft.lines.count) }
        let open = sale.draft.lines.indices.filter { sale.returned[$0] < sale.draft.lines[$0].qty }
        guard !open.isEmpty else { return nil }
        let index = open[Int(random.next() % UInt64(open.count))]
        let line = sale.draft.lines[index]
        // A weighed item comes back whole; pieces come back one at a time.
        let qty = line.qty % 1000 != 0 ? line.qty - sale.returned[index] : 1000
        sale.returned[index] += qty
        lanes[lane].recent[pick] = sale
        lanes[lane].returns += 1
        let draft = ReturnDraft(id: "\(sale.draft.id)-R\(lanes[lane].returns)", sale: sale.draft.id, store: sale.draft.store,
                                terminal: sale.draft.terminal, cashier: sale.draft.cashier, lines: [(line.sku, qty)])
        return Visit(due: clock, lane: lane, kind: .saleReturn(draft))
    }

    private mutating func makeVoid(lane: Int) -> Visit? {
        let eligible = candidates(lane).filter { !lanes[lane].recent[$0].touched }
        guard let pick = eligible.last else { return nil }
        lanes[lane].recent[pick].voided = true
        lanes[lane].voids += 1
        let sale = lanes[lane].recent[pick].draft
        let draft = VoidDraft(id: "\(sale.id)-V", sale: sale.id, store: sale.store, terminal: sale.terminal, cashier: sale.cashier)
        return Visit(due: clock, lane: lane, kind: .void(draft))
    }
}
