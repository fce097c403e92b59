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
        var left = amount
        // Each round either places everything or fills at least one line, so it ends.
        while left > 0 {
            var open: [Int] = []
            var weightSum: Int64 = 0
            for index in weights.indices where parts[index] < room[index] && weights[index] > 0 {
                open.append(index)
                weightSum += weights[index]
            }
            guard weightSum > 0 else { break }
            var shares: [(index: Int, share: Int64, remainder: UInt64)] = []
            shares.reserveCapacity(open.count)
            var placed: Int64 = 0
            for index in open {
                let (share, remainder) = proportion(left, weights[index], weightSum)
                shares.append((index, share, remainder))
                placed += share
            }
            var extra = left - placed
            if extra > 0 {
                let order = shares.indices.sorted { a, b in
                    shares[a].remainder != shares[b].remainder ? shares[a].remainder > shares[b].remainder : shares[a].index < shares[b].index
                }
                for position in order where extra > 0 {
                    shares[position].share += 1
                    extra -= 1
                }
            }
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

    /// `amount × weight / total` rounded down, and the remainder, in 128 bits.
    private static func proportion(_ amount: Int64, _ weight: Int64, _ total: Int64) -> (Int64, UInt64) {
        let product = UInt64(amount).multipliedFullWidth(by: UInt64(weight))
        let (quotient, remainder) = UInt64(total).dividingFullWidth(product)
        return (Int64(quotient), remainder)
    }
}
