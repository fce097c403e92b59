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
        parts.withUnsafeMutableBufferPointer { parts in
            spread(amount, count: weights.count, weight: { weights[$0] }, room: { room[$0] }, into: parts)
        }
        return parts
    }

    /// `spread` into `parts` (all zero on entry), reading line `i`'s weight and room through
    /// the closures: pricing spreads straight from its line facts into its table of shares,
    /// with no array of its own. Everything it needs for the rounds lives on the stack.
    @inline(__always)
    static func spread(_ amount: Int64, count: Int, weight: (Int) -> Int64, room: (Int) -> Int64,
                       into parts: UnsafeMutableBufferPointer<Int64>) {
        guard amount > 0, count > 0 else { return }
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: count) { share in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { remainder in
                var left = amount
                // Each round either places everything or fills at least one line, so it ends.
                while left > 0 {
                    var weightSum: Int64 = 0
                    for index in 0..<count where parts[index] < room(index) && weight(index) > 0 { weightSum += weight(index) }
                    guard weightSum > 0 else { break }
                    var placed: Int64 = 0
                    var sharing = 0
                    for index in 0..<count {
                        if parts[index] < room(index) && weight(index) > 0 {
                            let (part, rest) = proportion(left, weight(index), weightSum)
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
                    if extra > 0 { giveExtra(extra, shares: share, remainders: remainder, sharing: sharing, weightSum: weightSum) }
                    var filledAny = false
                    for index in 0..<count where share[index] >= 0 {
                        let take = min(share[index], room(index) - parts[index])
                        if take < share[index] { filledAny = true }
                        parts[index] += take
                        left -= take
                    }
                    if !filledAny { break }
                }
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
