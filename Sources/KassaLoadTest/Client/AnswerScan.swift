/// Reads the few integers the load test needs from an answer without building the whole JSON
/// tree: the tool shares the machine with the server, and parsing every 5 KB answer in full cost
/// it more CPU than the rest of its work together.
enum AnswerScan {
    /// The integer at `path` (keys of nested objects from the top), or nil when it is absent or
    /// not an integer. Strings are skipped with their escapes, so a key inside a string never matches.
    static func integer(_ bytes: [UInt8], _ path: String...) -> Int64? {
        let keys = path.map { Array($0.utf8) }
        // Open containers, innermost last: true for an object, false for an array.
        var open: [Bool] = []
        // How many keys of the path matched: the object holding keys[matched] is at depth matched + 1.
        var matched = 0
        var index = 0
        var expectKey = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "{"):
                open.append(true)
                expectKey = true
            case UInt8(ascii: "["):
                open.append(false)
                expectKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                // Leaving the object that holds the next key of the path: it is not there.
                if byte == UInt8(ascii: "}"), open.count == matched + 1 { return nil }
                open.removeLast()
                expectKey = false
            case UInt8(ascii: ","):
                expectKey = open.last == true
            case UInt8(ascii: "\""):
                let start = index
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard end < bytes.count else { return nil }
                index = end + 1
                guard expectKey else { continue }
                expectKey = false
                guard open.count == matched + 1, bytes[start..<end].elementsEqual(keys[matched]) else { continue }
                // Past the colon to the value.
                while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: ":") { index += 1 }
                matched += 1
                if matched == keys.count { return number(bytes, from: index) }
            default:
                break
            }
        }
        return nil
    }

    private static func number(_ bytes: [UInt8], from start: Int) -> Int64? {
        var index = start
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(Int64(bytes[index] - 0x30))
            guard !overflowA, !overflowB else { return nil }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") { return nil }
        return negative ? -value : value
    }
}
