/// The packed sales of the receipt index, by receipt id.
///
/// A `Dictionary` keyed by the id hashes it through SipHash on every sale looked up and
/// recorded, and hashes every id it holds again each time it grows, which recovery makes it do
/// from empty to hundreds of thousands of sales. This table hashes an id's bytes with `ByteHash`
/// and keeps the hash in the slot, so growing moves slots without reading their ids, and a probe
/// compares ids only when their hashes agree. Open addressing with linear probing; a removal
/// shifts the slots after it back (no tombstones), because the index removes its oldest sale
/// for nearly every one it records once it is full.
///
/// A slot is half the id's hash and the packed sale (its block and place there), 16 bytes: the
/// id is not kept beside them, because a packed sale begins with its id (`PackedSale.id`), which
/// a probe reads only when the hashes agree. With two million receipts held the slots take
/// 64 MB, and while the table doubles, the old and new slots together 96 MB; every slot of a
/// lookup is a likely cache miss, so fewer bytes a slot is also a faster table.
struct SaleTable: Sendable {
    private struct Slot: Sendable {
        /// The low half of the id's hash with its lowest bit set, so that 0 marks an empty slot.
        var hash: UInt32
        /// The packed sale, packed with the id it is held under, in its two parts.
        var start: UInt32
        var block: PackedSaleBlock?

        init(hash: UInt32, sale: consuming PackedSale) {
            self.hash = hash
            start = sale.start
            block = sale.block
        }

        var sale: PackedSale {
            get { PackedSale(block: block, start: start) }
            set {
                start = newValue.start
                block = newValue.block
            }
        }
    }

    private static let empty = Slot(hash: 0, sale: PackedSale.empty)
    /// A power of two long, or empty; at most three quarters full.
    private var slots: [Slot] = []
    /// `slots.count - 1` (−1 while there are none), held beside the slots' address: read from
    /// the slots' own header, it made every lookup's first slot wait for a cache miss of its own.
    private var slotMask = -1
    /// The bits of an id's hash that are kept: all of them, except in tests that make ids
    /// collide.
    private let hashBits: UInt64
    /// How many sales are held.
    private(set) var count = 0

    /// An empty table.
    init() { hashBits = ~0 }

    /// An empty table that keeps only `hashBits` of each id's hash, so that tests can make
    /// different ids hash alike.
    init(hashBits: UInt64) { self.hashBits = hashBits }

    @inline(__always)
    private func hash(_ id: String) -> UInt32 { UInt32(truncatingIfNeeded: ByteHash.of(id) & hashBits) | 1 }

    /// The slot a hash is placed from: above the bit that marks a slot full.
    @inline(__always)
    private static func home(_ hash: UInt32, mask: Int) -> Int { Int(truncatingIfNeeded: hash >> 1) & mask }

    /// The slot holding `id`, or the empty slot where it would go (nil when there are no slots).
    @inline(__always)
    private func find(_ id: String, hash: UInt32) -> (found: Bool, slot: Int)? {
        let mask = slotMask
        guard mask >= 0 else { return nil }
        return slots.withUnsafeBufferPointer { slots in
            var slot = SaleTable.home(hash, mask: mask)
            while true {
                let held = slots[slot].hash
                if held == 0 { return (false, slot) }
                if held == hash, slots[slot].sale.isPacked(with: id) { return (true, slot) }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The sale with `id`, if held.
    subscript(id: String) -> PackedSale? {
        guard let place = find(id, hash: hash(id)), place.found else { return nil }
        return slots[place.slot].sale
    }

    /// Holds `sale` under `id`, replacing the sale held under it before, if any. `sale` must
    /// have been packed with `id`.
    mutating func set(_ sale: consuming PackedSale, for id: String) {
        let hash = self.hash(id)
        if let place = find(id, hash: hash) {
            if place.found {
                slots[place.slot].sale = sale
                return
            }
            if (count + 1) * 4 <= slots.count * 3 {
                slots[place.slot] = Slot(hash: hash, sale: sale)
                count += 1
                return
            }
        }
        grow()
        guard let place = find(id, hash: hash) else {
            preconditionFailure("the sale table has no slots after growing; memory can no longer be trusted")
        }
        slots[place.slot] = Slot(hash: hash, sale: sale)
        count += 1
    }

    /// Removes the sale held under `id` and returns it, if there is one.
    @discardableResult
    mutating func remove(_ id: String) -> PackedSale? {
        guard let place = find(id, hash: hash(id)), place.found else { return nil }
        count -= 1
        let mask = slots.count - 1
        return slots.withUnsafeMutableBufferPointer { slots in
            // Each slot after the hole moves back into it unless its home lies after the hole
            // (cyclically), where a lookup starting at its home would no longer pass the hole.
            // Swapped, not copied, so that no sale is retained on the way; the removed
            // slot travels to the last hole.
            var hole = place.slot
            var next = (hole + 1) & mask
            while slots[next].hash != 0 {
                let home = SaleTable.home(slots[next].hash, mask: mask)
                if (next - home) & mask >= (next - hole) & mask {
                    slots.swapAt(hole, next)
                    hole = next
                }
                next = (next + 1) & mask
            }
            var removed = SaleTable.empty
            swap(&removed, &slots[hole])
            return removed.sale
        }
    }

    /// Every sale, in no particular order.
    var sales: some Sequence<PackedSale> {
        slots.lazy.filter { $0.hash != 0 }.map(\.sale)
    }

    /// Doubles the slots (16 at first) and places every held sale again by its kept hash.
    private mutating func grow() {
        var old = Array(repeating: SaleTable.empty, count: max(16, slots.count * 2))
        swap(&old, &slots)
        let mask = slots.count - 1
        slotMask = mask
        slots.withUnsafeMutableBufferPointer { slots in
            old.withUnsafeMutableBufferPointer { old in
                for index in old.indices where old[index].hash != 0 {
                    var slot = SaleTable.home(old[index].hash, mask: mask)
                    while slots[slot].hash != 0 { slot = (slot + 1) & mask }
                    // Moved, not copied: the old slots are dropped right after.
                    swap(&slots[slot], &old[index])
                }
            }
        }
    }
}
