import Testing
@testable import KassaCore

@Suite("Intern tables number values in the order first seen")
struct InternTableTests {
    @Test func numbersAreDenseStableAndFoundAgain() {
        var table = InternTable<String>()
        #expect(table.id(of: "dairy") == nil)
        #expect(table.intern("dairy") == 0)
        #expect(table.intern("meat") == 1)
        #expect(table.intern("dairy") == 0)
        #expect(table.count == 2)
        #expect(table[1] == "meat")
        #expect(table.id(of: "meat") == 1)
        #expect(table.id(of: "Meat") == nil)
    }

    @Test func numbersSurviveGrowthAndReserve() {
        var table = InternTable<String>()
        table.reserve(100)
        let words = (0..<20_000).map { "категория-\($0)" } + ["", "a", "exactly8", "sixteen-bytes-ok"]
        for (index, word) in words.enumerated() { #expect(table.intern(word) == index) }
        for (index, word) in words.enumerated() {
            #expect(table.id(of: word) == index)
            #expect(table[index] == word)
        }
        #expect(table.id(of: "категория-20000") == nil)
    }

    @Test func skusAreKeyedByTheirCode() throws {
        var table = InternTable<SKU>()
        let milk = try SKU(validating: "4607001234562")
        let upc = try SKU(validating: "036000291452")
        #expect(table.intern(milk) == 0)
        #expect(table.intern(upc) == 1)
        #expect(table.id(of: try SKU(validating: "4607001234562")) == 0)
        #expect(table.id(of: try SKU(validating: "36000291452")) == nil)
    }
}

@Suite("Intern tables look a basket's keys up together")
struct InternTableBatchTests {
    /// Found keys, missing ones and keys whose first bucket holds another: the numbers are
    /// those `id(of:)` gives one at a time, and each hash is the key's.
    @Test func idsAgreeWithLookingUpOneAtATime() {
        var table = InternTable<String>()
        for index in 0..<3_000 { _ = table.intern("46000\(index)") }
        let keys = (0..<200).map { $0 % 3 == 0 ? "missing-\($0)" : "46000\($0 * 13)" } + ["", "46000"]
        var ids = [Int32](repeating: 0, count: keys.count)
        var hashes = [UInt64](repeating: 0, count: keys.count)
        ids.withUnsafeMutableBufferPointer { ids in
            hashes.withUnsafeMutableBufferPointer { hashes in
                table.ids(count: keys.count, key: { keys[$0] }, into: ids, hashes: hashes)
            }
        }
        for (index, key) in keys.enumerated() {
            #expect(ids[index] == Int32(table.id(of: key) ?? -1), "key \(key)")
            #expect(hashes[index] == key.internHash)
        }
    }
}

/// A key whose hash the test chooses, so that tags can be made to agree.
private struct ChosenHashKey: InternKey, Sendable {
    var name: String
    var internHash: UInt64
}

@Suite("A basket's lookup compares keys whose tags agree by chance")
struct InternTableTagCollisionTests {
    /// Keys with one and the same hash share a first bucket and a tag: every candidate but the
    /// right one is compared and passed over, and a key not held is not found.
    @Test func keysWithTheSameHashAreToldApartByTheirValue() {
        var table = InternTable<ChosenHashKey>()
        let shared: UInt64 = 0x1234_5678_0000_0005
        let held = ["first", "second", "third"].map { ChosenHashKey(name: $0, internHash: shared) }
            + [ChosenHashKey(name: "neighbour", internHash: 0x9999_0000_0000_0006)]
        for (index, key) in held.enumerated() { #expect(table.intern(key) == index) }
        let keys = held.reversed() + [ChosenHashKey(name: "fourth", internHash: shared)]
        var ids = [Int32](repeating: 0, count: keys.count)
        var hashes = [UInt64](repeating: 0, count: keys.count)
        ids.withUnsafeMutableBufferPointer { ids in
            hashes.withUnsafeMutableBufferPointer { hashes in
                table.ids(count: keys.count, key: { keys[$0] }, into: ids, hashes: hashes)
            }
        }
        #expect(ids == [3, 2, 1, 0, -1])
        #expect(hashes == keys.map(\.internHash))
    }
}
