import KassaTestSupport
import Testing
@testable import KassaCore

@Suite("Scaling rounds half-up alike whether the product fits 64 bits or needs 128")
struct RoundingScaleTests {
    /// `Rounding.scale` with every division done in 128 bits.
    func reference(_ value: Int64, _ multiplier: Int64, _ divisor: Int64) -> Int64? {
        let product = value.multipliedFullWidth(by: multiplier)
        let negative = product.high < 0
        var high = UInt64(bitPattern: product.high), low = product.low
        if negative {
            low = ~low &+ 1
            high = ~high &+ (low == 0 ? 1 : 0)
        }
        let d = UInt64(divisor)
        guard high < d else { return nil }
        let (quotient, remainder) = d.dividingFullWidth((high, low))
        let rounded = remainder >= d - remainder ? quotient &+ 1 : quotient
        guard rounded <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(rounded) : Int64(rounded)
    }

    @Test func agreesWithDividingIn128Bits() {
        var generator = SeededGenerator(seed: 3)
        let edges: [Int64] = [0, 1, -1, 499, 500, 501, -500, -501, 999, 1_000, Int64.max, Int64.min + 1, Int64.max / 1_000]
        for value in edges {
            for multiplier in edges { #expect(Rounding.scale(value, by: multiplier, dividedBy: 1_000) == reference(value, multiplier, 1_000)) }
        }
        for _ in 0..<20_000 {
            let value = Int64(bitPattern: generator.next()) >> Int64(generator.next() % 63)
            let multiplier = Int64(bitPattern: generator.next()) >> Int64(generator.next() % 63)
            let divisor = Int64(1 + generator.next() % 100_000)
            #expect(Rounding.scale(value, by: multiplier, dividedBy: divisor) == reference(value, multiplier, divisor))
        }
    }
}
