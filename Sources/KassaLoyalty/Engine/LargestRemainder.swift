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
        var scratch = [Int64](repeating: 0, count: 2 * weights.count)
        weights.withUnsafeBufferPointer { weights in
            room.withUnsafeBufferPointer { room in
                parts.withUnsafeMutableBufferPointer { parts in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        spread(amount, weights: weights, room: room, into: parts, scratch: scratch)
                    }
                }
            }
        }
        return parts
    }

    /// `spread` into `parts` (all zero on entry): pricing spreads straight from its line facts
    /// into its table of shares, with no array of its own. `scratch` is working room of two
    /// entries per line, reused across the spreads of a basket.
    static func spread(_ amount: Int64, weights: UnsafeBufferPointer<Int64>, room: UnsafeBufferPointer<Int64>,
                       into parts: UnsafeMutableBufferPointer<Int64>, scratch: UnsafeMutableBufferPointer<Int64>) {
        let count = weights.count
        guard amount > 0, count > 0 else { return }
        precondition(room.count == count && parts.count == count && scratch.count >= 2 * count, "one weight, room and part per line")
        let share = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
        UnsafeMutableBufferPointer(rebasing: scratch[count..<2 * count]).withMemoryRebound(to: UInt64.self) { remainder in
            var left = amount
            // Each round either places everything or fills at least one line, so it ends.
            while left > 0 {
                var weightSum: Int64 = 0
                for index in 0..<count where parts[index] < room[index] && weights[index] > 0 { weightSum += weights[index] }
                guard weightSum > 0 else { break }
                let reciprocal = 1 / Double(weightSum)
                var placed: Int64 = 0
                var sharing = 0
                for index in 0..<count {
                    if parts[index] < room[index] && weights[index] > 0 {
                        let (part, rest) = proportion(left, weights[index], weightSum, reciprocal: reciprocal)
                        share[index] = part
                        remainder[index] = rest
                        placed += part
                        sharing += 1
                    } else {
                        share[index] = -1
                    }
                }
                // Fewer minor units are left than lines share them: each floor lost less than one.
                let extra = Int(left - placed)
                if extra > 0 {
                    giveExtra(extra, shares: UnsafeMutableBufferPointer(rebasing: share[0..<count]),
                              remainders: remainder, sharing: sharing, weightSum: weightSum)
                }
                var filledAny = false
                for index in 0..<count where share[index] >= 0 {
                    let take = min(share[index], room[index] - parts[index])
                    if take < share[index] { filledAny = true }
                    parts[index] += take
                    left -= take
                }
                if !filledAny { break }
            }
        }
    }

    /// One more minor unit to each of the `extra` sharing lines (those whose share is not −1)
    /// with the largest remainders, the earlier line first on a tie.
    @inline(__always)
    private static func giveExtra(_ extra: Int, shares: UnsafeMutableBufferPointer<Int64>, remainders: UnsafeMutableBufferPointer<UInt64>,
                                  sharing: Int, weightSum: Int64) {
        let count = shares.count
        let lineBits = Int.bitWidth - count.leadingZeroBitCount
        let remainderBits = Int64.bitWidth - weightSum.leadingZeroBitCount
        guard lineBits + remainderBits <= 64 else {
            var order = (0..<count).filter { shares[$0] >= 0 }
            order.sort { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
            for line in order.prefix(extra) { shares[line] += 1 }
            return
        }
        // Remainder and line packed in one integer (the line inverted, so that on equal
        // remainders the earlier line is the larger key), then the `extra` largest keys selected
        // in place: linear on average, where sorting every share cost more than the rest of a
        // basket discount. The keys overwrite the remainders, which are not read again.
        let mask = UInt64(1) << lineBits - 1
        var keyCount = 0
        for line in 0..<count where shares[line] >= 0 {
            remainders[keyCount] = remainders[line] << lineBits | (mask - UInt64(line))
            keyCount += 1
        }
        let keys = UnsafeMutableBufferPointer(rebasing: remainders[0..<keyCount])
        selectLargest(extra, in: keys)
        for key in keys.prefix(extra) { shares[Int(mask - key & mask)] += 1 }
    }

    /// Moves the `k` largest of `keys` (all distinct) to its first `k` places, in no order.
    ///
    /// Quickselect with branch-free Lomuto partitions: every key is swapped and the boundary
    /// moves by the comparison's result, so nothing is mispredicted (Hoare's partitions
    /// mispredicted most of their compares and cost more than the rest of a spread).
    static func selectLargest(_ k: Int, in keys: UnsafeMutableBufferPointer<UInt64>) {
        guard k > 0, k < keys.count else { return }
        var low = 0, high = keys.count
        while high - low > 1 {
            keys.swapAt(low + (high - low) / 2, high - 1)
            let pivot = keys[high - 1]
            var store = low
            for index in low..<(high - 1) {
                let key = keys[index]
                keys[index] = keys[store]
                keys[store] = key
                store += key > pivot ? 1 : 0
            }
            keys.swapAt(store, high - 1)
            // Now keys[low..<store] > pivot = keys[store] > keys[store + 1..<high].
            if store + 1 == k || store == k { return }
            if store > k { high = store } else { low = store + 1 }
        }
    }

    /// `amount × weight / total` rounded down, and the remainder. A basket's products fit in
    /// 52 bits, where the quotient is estimated by multiplying by the round's `reciprocal` of
    /// `total` and then corrected to the exact one in integers (a 64-bit division costs more
    /// than the rest of a line's share); larger ones divide in 64 bits, or in 128.
    @inline(__always)
    private static func proportion(_ amount: Int64, _ weight: Int64, _ total: Int64, reciprocal: Double) -> (Int64, UInt64) {
        let (small, overflow) = UInt64(amount).multipliedReportingOverflow(by: UInt64(weight))
        if !overflow {
            if small < 1 << 52 {
                // Both operands are exact in a Double, so the estimate is off by at most one or two.
                var quotient = Int64(Double(small) * reciprocal)
                var remainder = Int64(small) - quotient * total
                while remainder < 0 {
                    quotient -= 1
                    remainder += total
                }
                while remainder >= total {
                    quotient += 1
                    remainder -= total
                }
                return (quotient, UInt64(remainder))
            }
            let (quotient, remainder) = small.quotientAndRemainder(dividingBy: UInt64(total))
            return (Int64(quotient), remainder)
        }
        let product = UInt64(amount).multipliedFullWidth(by: UInt64(weight))
        let (quotient, remainder) = UInt64(total).dividingFullWidth(product)
        return (Int64(quotient), remainder)
    }
}
