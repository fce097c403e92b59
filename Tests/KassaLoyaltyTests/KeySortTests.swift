import Testing
@testable import KassaLoyalty

/// The packed keys of a basket's N-for-M members come out in increasing order, by insertion for
/// a few and by the standard sort beyond `insertionSortMax`.
struct KeySortTests {
    @Test(arguments: [0, 1, 2, 17, PricingProgram.insertionSortMax, PricingProgram.insertionSortMax + 1, 300])
    func keysComeOutInIncreasingOrder(count: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(count + 1)
        let keys: [UInt64] = (0..<count).map { index in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Distinct, as set members' keys are: the low bits are the position.
            return (state >> 20) << 10 | UInt64(index)
        }
        var sorted = keys
        sorted.withUnsafeMutableBufferPointer { PricingProgram.sortKeys($0) }
        #expect(sorted == keys.sorted())
    }
}
