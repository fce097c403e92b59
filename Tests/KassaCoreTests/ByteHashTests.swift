import Testing
@testable import KassaCore

@Suite("ByteHash takes a string's bytes eight at a time, the last few as one word")
struct ByteHashTests {
    /// The hash as defined: eight-byte little-endian words mixed in turn, then the bytes left
    /// as one word, a byte at a time.
    func reference(_ text: String) -> UInt64 {
        let bytes = Array(text.utf8)
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var offset = 0
        while bytes.count - offset >= 8 {
            var word: UInt64 = 0
            for index in 0..<8 { word |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
            hash = ByteHash.mix(hash ^ word)
            offset += 8
        }
        var tail: UInt64 = 0
        for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << UInt64((index - offset) * 8) }
        return ByteHash.mix(hash ^ tail)
    }

    /// Every length from empty to past two words, as small strings and as native ones.
    @Test func everyLengthHashesAsDefined() {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzабв")
        for length in 0...40 {
            let small = String(alphabet.prefix(length))
            let native = String(decoding: Array(small.utf8), as: UTF8.self) + String(repeating: "й", count: 12)
            #expect(ByteHash.of(small) == reference(small), "length \(length)")
            #expect(ByteHash.of(native) == reference(native), "length \(length) native")
        }
    }
}
