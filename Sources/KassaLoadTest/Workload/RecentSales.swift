/// A lane's latest sales, oldest first, at most `capacity` of them: the newest replaces the
/// oldest in place, as in a ring, instead of every other sale moving up a place (with thirty
/// lines a receipt, that move and the oldest sale's release were a fortieth of the tool's CPU).
struct RecentSales {
    private var slots: [VisitSchedule.RecentSale] = []
    /// Where the oldest sale is in `slots` once they are all used.
    private var oldest = 0
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "a lane keeps at least one sale")
        self.capacity = capacity
        slots.reserveCapacity(capacity)
    }

    var count: Int { slots.count }

    /// The sale at `position`, 0 being the oldest kept.
    subscript(position: Int) -> VisitSchedule.RecentSale {
        get { slots[slot(position)] }
        set { slots[slot(position)] = newValue }
    }

    /// Keeps `sale` as the newest, dropping the oldest when all the room is used.
    mutating func append(_ sale: VisitSchedule.RecentSale) {
        if slots.count < capacity {
            slots.append(sale)
        } else {
            slots[oldest] = sale
            oldest = oldest + 1 == capacity ? 0 : oldest + 1
        }
    }

    private func slot(_ position: Int) -> Int {
        precondition(position >= 0 && position < slots.count, "no sale at position \(position) of \(slots.count)")
        let slot = oldest + position
        return slot < slots.count ? slot : slot - slots.count
    }
}
