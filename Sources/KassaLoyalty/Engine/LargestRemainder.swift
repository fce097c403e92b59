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
            if extra > 0 { giveExtra(extra, to: &shares) }
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
    /// earlier line first on a tie. `shares` are in line order; they are reordered.
    private static func giveExtra(_ extra: Int, to shares: inout [(share: Int64, remainder: UInt64, index: Int)]) {
        // A receipt's lines are few: an insertion sort in place, without a comparison closure or
        // a second array, costs less than the general sort at that size.
        shares.withUnsafeMutableBufferPointer { buffer in
            for position in 1..<max(1, buffer.count) {
                let entry = buffer[position]
                var hole = position
                while hole > 0, buffer[hole - 1].remainder < entry.remainder
                    || (buffer[hole - 1].remainder == entry.remainder && buffer[hole - 1].index > entry.index) {
                    buffer[hole] = buffer[hole - 1]
                    hole -= 1
                }
                buffer[hole] = entry
            }
            for position in 0..<extra { buffer[position].share += 1 }
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
