/// Splits an amount over lines in proportion to their weights so that the parts add up to the
/// amount exactly, in whole minor units: each part is rounded down, and the minor units left go
/// one each to the parts with the largest remainders (the earlier line on a tie).
enum LargestRemainder {
    /// Parts of `amount` (≥ 0) proportional to `weights` (each ≥ 0), each at most its `room`.
    /// Whatever a full line cannot take goes to the others in the same way; what no line can
    /// take is not given (the result then adds up to less than `amount`).
    static func spread(_ amount: Int64, weights: [Int64], room: [Int64]) -> [Int64] {
        precondition(weights.count == room.count, "one weight and one room per line")
        var parts = [Int64](repeating: 0, count: weights.count)
        var shares: [(share: Int64, remainder: UInt64, index: Int)] = []
        shares.reserveCapacity(weights.count)
        var left = amount
        // Each round either places everything or fills at least one line, so it ends.
        while left > 0 {
            var weightSum: Int64 = 0
            for index in weights.indices where parts[index] < room[index] && weights[index] > 0 { weightSum += weights[index] }
            guard weightSum > 0 else { break }
            shares.removeAll(keepingCapacity: true)
            var placed: Int64 = 0
            for index in weights.indices where parts[index] < room[index] && weights[index] > 0 {
                let (share, remainder) = proportion(left, weights[index], weightSum)
                shares.append((share, remainder, index))
                placed += share
            }
            // Fewer minor units are left than lines share them: each floor lost less than one.
            let extra = Int(left - placed)
            if extra > 0 { giveExtra(extra, to: &shares, weightSum: weightSum) }
            var filledAny = false
            for entry in shares {
                let take = min(entry.share, room[entry.index] - parts[entry.index])
                if take < entry.share { filledAny = true }
                parts[entry.index] += take
                left -= take
            }
            if !filledAny { break }
        }
        return parts
    }

    /// One more minor unit to each of the `extra` shares with the largest remainders, the
    /// earlier line first on a tie. `shares` are in line order.
    private static func giveExtra(_ extra: Int, to shares: inout [(share: Int64, remainder: UInt64, index: Int)], weightSum: Int64) {
        let count = shares.count
        let positionBits = Int.bitWidth - count.leadingZeroBitCount
        let remainderBits = Int64.bitWidth - weightSum.leadingZeroBitCount
        guard positionBits + remainderBits <= 64 else {
            shares.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
            for position in 0..<extra { shares[position].share += 1 }
            return
        }
        // Remainder and position packed in one integer (the position inverted, so that on equal
        // remainders the earlier line is the larger key), then the `extra` largest keys selected
        // in place on the stack: linear on average, where sorting every share cost more than
        // the rest of a basket discount.
        let mask = UInt64(1) << positionBits - 1
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { keys in
            for position in 0..<count { keys[position] = shares[position].remainder << positionBits | (mask - UInt64(position)) }
            selectLargest(extra, in: keys)
            for key in keys.prefix(extra) { shares[Int(mask - key & mask)].share += 1 }
        }
    }

    /// Moves the `k` largest of `keys` (all distinct) to its first `k` places, in no order
    /// (Hoare's selection).
    static func selectLargest(_ k: Int, in keys: UnsafeMutableBufferPointer<UInt64>) {
        guard k > 0, k < keys.count else { return }
        var low = 0, high = keys.count - 1
        let target = k - 1
        while low < high {
            let pivot = keys[low + (high - low) / 2]
            var left = low, right = high
            while left <= right {
                while keys[left] > pivot { left += 1 }
                while keys[right] < pivot { right -= 1 }
                if left <= right {
                    keys.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if target <= right {
                high = right
            } else if target >= left {
                low = left
            } else {
                return
            }
        }
    }

    /// `amount × weight / total` rounded down, and the remainder; in 64 bits when the product
    /// fits (every real basket), else in 128.
    @inline(__always)
    private static func proportion(_ amount: Int64, _ weight: Int64, _ total: Int64) -> (Int64, UInt64) {
        let (small, overflow) = UInt64(amount).multipliedReportingOverflow(by: UInt64(weight))
        if !overflow {
            let (quotient, remainder) = small.quotientAndRemainder(dividingBy: UInt64(total))
            return (Int64(quotient), remainder)
        }
        let product = UInt64(amount).multipliedFullWidth(by: UInt64(weight))
        let (quotient, remainder) = UInt64(total).dividingFullWidth(product)
        return (Int64(quotient), remainder)
    }
}
