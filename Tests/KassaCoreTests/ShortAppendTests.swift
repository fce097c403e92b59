import Testing
@testable import KassaCore

@Suite("A few bytes appended by the word are the bytes appended one by one")
struct ShortAppendTests {
    /// Appends, after `lead` bytes already written, every run of up to ten bytes of `source`
    /// (including those ending within eight bytes of its end, and those too long for a word)
    /// through a buffer of `room` bytes, and checks the result against the byte loop's.
    @Test(arguments: [0, 3, 9] as [Int], [12, 24] as [Int])
    func everyRunOfASourceIsAppendedAsItIs(lead: Int, room: Int) {
        let source: [UInt8] = (0..<20).map { UInt8(0xA0 &+ $0) }
        source.withUnsafeBytes { source in
            for start in 0..<source.count {
                for count in 0...min(10, source.count - start) where lead + count <= room {
                    let bytes = UnsafeRawBufferPointer(rebasing: source[start..<(start + count)])
                    let written: [UInt8] = withUnsafeTemporaryAllocation(byteCount: room, alignment: 1) { buffer in
                        var writer = FixedBufferWriter(buffer)
                        for _ in 0..<lead { writer.write(0 as UInt8) }
                        writer.append(bytes, within: source)
                        return [UInt8](writer.written)
                    }
                    #expect(written == [UInt8](repeating: 0, count: lead) + Array(bytes), "start \(start), count \(count)")
                }
            }
        }
    }
}
