import NIOCore

/// Reads the few integers the load test needs from an answer without building the whole JSON
/// tree: the tool shares the machine with the server it measures, and every microsecond it spends
/// is one the server does not get.
///
/// An answer is read from its end first (`integersFromEnd`), where the members the tool wants
/// are; a body that cannot be read that way is scanned from the start in one pass, with no
/// allocation while scanning: objects on a path are entered, and everything else (the lines of a
/// receipt, arrays, objects off every path) is skipped by counting brackets outside strings.
enum AnswerScan {
    /// The paths to read (keys of nested objects from the top), prepared once.
    struct Paths: Sendable {
        let keys: [[[UInt8]]]
        let depthMax: Int

        init(_ paths: [[String]]) {
            precondition(paths.count <= 64 && paths.allSatisfy { !$0.isEmpty }, "at most 64 paths, each with a key")
            keys = paths.map { $0.map { Array($0.utf8) } }
            depthMax = keys.map(\.count).max() ?? 0
        }
    }

    /// The integers at each path; nil where a path is absent or not an integer. Strings are
    /// skipped with their escapes, so a key inside a string never matches; keys are only
    /// matched in objects, at the depth their path gives, and never inside arrays. Both ways of
    /// reading agree on every answer whose keys are not repeated.
    static func integers(_ body: ByteBuffer, _ paths: Paths) -> [Int64?] {
        body.withUnsafeReadableBytes { integers($0, paths) }
    }

    static func integers(_ bytes: [UInt8], _ paths: [[String]]) -> [Int64?] {
        bytes.withUnsafeBytes { integers($0, Paths(paths)) }
    }

    static func integers(_ bytes: UnsafeRawBufferPointer, _ paths: Paths) -> [Int64?] {
        if paths.keys.isEmpty { return [] }
        return integersFromEnd(bytes, paths) ?? integersFromStart(bytes, paths)
    }

    /// The forward scan: every byte up to the last path found.
    static func integersFromStart(_ bytes: UnsafeRawBufferPointer, _ paths: Paths) -> [Int64?] {
        var found = [Int64?](repeating: nil, count: paths.keys.count)
        if paths.keys.isEmpty { return found }
        var missing = UInt64.max >> (64 - paths.keys.count)
        // Which paths are still possible in the object at each depth (1 is the top object).
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: paths.depthMax + 1) { possible in
            let count = bytes.count
            var index = 0
            var depth = 0
            var expectKey = false
            // The paths the key just read matches, until its value is read.
            var matched: UInt64 = 0
            while index < count, missing != 0 {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "{"):
                    let deeper = depth == 0 ? missing : longer(matched, than: depth, paths)
                    if deeper == 0 || depth == paths.depthMax {
                        index = skipContainer(bytes, from: index)
                    } else {
                        depth += 1
                        possible[depth] = deeper
                        expectKey = true
                    }
                    matched = 0
                case UInt8(ascii: "["):
                    index = skipContainer(bytes, from: index)
                    matched = 0
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth <= 0 { return }
                    expectKey = false
                    matched = 0
                case UInt8(ascii: ","):
                    expectKey = true
                    matched = 0
                case UInt8(ascii: "\""):
                    let start = index
                    index = stringEnd(bytes, from: index)
                    guard index < count else { return }
                    if expectKey, depth > 0 {
                        matched = matching(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), at: depth, among: possible[depth], paths)
                    } else {
                        matched = 0
                    }
                    expectKey = false
                    index += 1
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let (value, next) = number(bytes, from: index - 1)
                    index = next
                    var ending = matched & ~longer(matched, than: depth, paths)
                    while ending != 0 {
                        let slot = ending.trailingZeroBitCount
                        ending &= ending - 1
                        if found[slot] == nil, let value {
                            found[slot] = value
                            missing &= ~(1 << UInt64(slot))
                        }
                    }
                    matched = 0
                default:
                    break
                }
            }
        }
        return found
    }

    /// Of the paths in `set`, those with more keys than `depth`.
    static func longer(_ set: UInt64, than depth: Int, _ paths: Paths) -> UInt64 {
        var rest = set, result: UInt64 = 0
        while rest != 0 {
            let slot = rest.trailingZeroBitCount
            rest &= rest - 1
            if paths.keys[slot].count > depth { result |= 1 << UInt64(slot) }
        }
        return result
    }

    /// Of the paths in `set`, those whose key at `depth` is `key`.
    static func matching(_ key: UnsafeRawBufferPointer, at depth: Int, among set: UInt64, _ paths: Paths) -> UInt64 {
        var rest = set, result: UInt64 = 0
        while rest != 0 {
            let slot = rest.trailingZeroBitCount
            rest &= rest - 1
            let wanted = paths.keys[slot][depth - 1]
            if wanted.count == key.count, wanted.withUnsafeBytes({ $0.elementsEqual(key) }) { result |= 1 << UInt64(slot) }
        }
        return result
    }

    /// The index of the quote that closes the string whose first byte is at `from`, or the end.
    /// Half of an answer's bytes are in strings, most of them a few bytes long, so they are read
    /// eight bytes a step, looking for a quote or a backslash in each word at once.
    @inline(__always)
    private static func stringEnd(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int {
        var index = from
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let hits = bytesEqual(word, to: 0x2222_2222_2222_2222) | bytesEqual(word, to: 0x5C5C_5C5C_5C5C_5C5C)
            if hits == 0 {
                index += 8
                continue
            }
            // The lowest marked byte is the first quote or backslash (marks above it may be false).
            index += hits.trailingZeroBitCount / 8
            if bytes[index] == UInt8(ascii: "\"") { return index }
            index += 2
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return bytes.count
    }

    /// The high bit of every byte of `word` equal to the byte repeated in `pattern`, for certain
    /// in the lowest such byte (a borrow can mark bytes above it too).
    @inline(__always)
    private static func bytesEqual(_ word: UInt64, to pattern: UInt64) -> UInt64 {
        let difference = word ^ pattern
        return (difference &- 0x0101_0101_0101_0101) & ~difference & 0x8080_8080_8080_8080
    }

    /// The index after the bracket that closes the container whose first byte is at `from`.
    /// (Passing the bytes outside strings eight at a time, as `stringEnd` does inside them, was
    /// slower: a quote or a bracket comes every few bytes.)
    private static func skipContainer(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int {
        var index = from
        var open = 1
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): index = stringEnd(bytes, from: index) + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["): open += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                open -= 1
                if open == 0 { return index }
            default: break
            }
        }
        return bytes.count
    }

    /// An integer starting at `start`, and the index after it; nil for a fraction, an exponent,
    /// a value beyond Int64, or digits cut off by the end of the answer.
    static func number(_ buffer: UnsafeRawBufferPointer, from start: Int) -> (Int64?, Int) {
        var index = start
        let negative = buffer[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value: Int64 = 0
        var digits = 0
        var overflow = false
        while index < buffer.count, buffer[index] >= 0x30, buffer[index] <= 0x39 {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(Int64(buffer[index] - 0x30))
            overflow = overflow || overflowA || overflowB
            value = sum
            digits += 1
            index += 1
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: ".") || buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
            return (nil, index)
        }
        guard digits > 0, !overflow, index < buffer.count else { return (nil, index) }
        return (negative ? -value : value, index)
    }
}
