/// Reads the few integers the load test needs from an answer without building the whole JSON
/// tree: the tool shares the machine with the server it measures, and every microsecond it spends
/// is one the server does not get.
enum AnswerScan {
    /// The integers at each path (keys of nested objects from the top), found in one pass over
    /// the answer; nil where a path is absent or not an integer. Strings are skipped with
    /// their escapes, so a key inside a string never matches; keys are only matched in objects,
    /// at the depth their path gives.
    static func integers(_ bytes: [UInt8], _ paths: [[String]]) -> [Int64?] {
        let keys = paths.map { $0.map { Array($0.utf8) } }
        var found = [Int64?](repeating: nil, count: paths.count)
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            // The keys leading to the object being read, and whether each open container is an object.
            var trail: [ArraySlice<UInt8>] = []
            var isObject: [Bool] = []
            var index = 0
            var expectKey = false
            var pendingKey: ArraySlice<UInt8>?
            while index < count {
                let byte = buffer[index]
                index += 1
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    isObject.append(byte == UInt8(ascii: "{"))
                    // The key this container is the value of (or an empty marker inside arrays).
                    trail.append(pendingKey ?? [])
                    pendingKey = nil
                    expectKey = byte == UInt8(ascii: "{")
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if !isObject.isEmpty {
                        isObject.removeLast()
                        trail.removeLast()
                    }
                    expectKey = false
                case UInt8(ascii: ","):
                    expectKey = isObject.last == true
                    pendingKey = nil
                case UInt8(ascii: "\""):
                    let start = index
                    while index < count, buffer[index] != UInt8(ascii: "\"") {
                        index += buffer[index] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    guard index < count else { return }
                    let end = index
                    index += 1
                    if expectKey {
                        expectKey = false
                        pendingKey = bytes[start..<end]
                    }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard let key = pendingKey else { continue }
                    pendingKey = nil
                    let (value, next) = number(buffer, from: index - 1)
                    index = next
                    for (slot, path) in keys.enumerated() where found[slot] == nil && path.count == trail.count {
                        guard path.last!.elementsEqual(key) else { continue }
                        // trail[0] is the top object's marker; the path's leading keys match trail[1...].
                        if zip(path.dropLast(), trail.dropFirst()).allSatisfy({ $0.elementsEqual($1) }) { found[slot] = value }
                    }
                default:
                    break
                }
            }
        }
        return found
    }

    /// An integer starting at `start`, and the index after it; nil for a fraction, an exponent or
    /// a value beyond Int64.
    private static func number(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int64?, Int) {
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
        guard digits > 0, !overflow else { return (nil, index) }
        return (negative ? -value : value, index)
    }
}
