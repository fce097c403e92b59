/// Reading an answer's integers from its end.
///
/// The answers' members are written with their keys sorted, so what the tool reads (`total`,
/// `points`, `refund`) comes after the `lines` array, which is nearly all of an answer's bytes:
/// read from the front, every line is passed over byte by byte (about a twelfth of the tool's
/// CPU under a hypermarket's load). Read from the back, the members wanted are the first few met.
///
/// JSON read backwards is as unambiguous as read forwards once the end is known to be outside
/// any string: a quote met outside a string closes one, and its opening quote is the first quote
/// before it that is not escaped (preceded by an even run of backslashes). This reading relies on
/// the body being one whole JSON object, as an answer framed by its `Content-Length` is; a body
/// that does not end in the close of the object it starts with is left to the forward scan.
extension AnswerScan {
    /// The integers at each path, read from the end of `bytes`; nil when the body is not an
    /// object this reading can walk, and the caller scans forwards. A key that appears twice is
    /// read where it appears last (the server never repeats one).
    static func integersFromEnd(_ bytes: UnsafeRawBufferPointer, _ paths: Paths) -> [Int64?]? {
        let walk = BackwardWalk(bytes: bytes, paths: paths)
        guard let first = walk.firstNonSpace(), bytes[first] == UInt8(ascii: "{"),
              let last = walk.nonSpace(atOrBefore: bytes.count - 1), last > first, bytes[last] == UInt8(ascii: "}")
        else { return nil }
        var found = [Int64?](repeating: nil, count: paths.keys.count)
        var missing = UInt64.max >> (64 - paths.keys.count)
        switch walk.object(closingAt: last, depth: 1, possible: missing, found: &found, missing: &missing) {
        case .done:
            return found
        case .opened(let start):
            // Walked to the object's start: it must be the body's first byte, or the end was
            // not the close of the whole body.
            return start == first ? found : nil
        case .malformed:
            return nil
        }
    }

    /// The walk backwards through one body.
    private struct BackwardWalk {
        let bytes: UnsafeRawBufferPointer
        let paths: Paths

        enum Outcome {
            /// Every path was found before the object's start was reached.
            case done
            /// The object's members were all read; its opening brace is at this index.
            case opened(Int)
            /// Not JSON this walk understands.
            case malformed
        }

        enum ValueKind {
            case object, number, other
        }

        /// Reads the members of the object whose closing brace is at `close`, last first.
        func object(closingAt close: Int, depth: Int, possible: UInt64, found: inout [Int64?], missing: inout UInt64) -> Outcome {
            guard var end = nonSpace(atOrBefore: close - 1) else { return .malformed }
            if bytes[end] == UInt8(ascii: "{") { return .opened(end) }
            while true {
                guard let (start, kind) = valueStart(endingAt: end),
                      let colon = nonSpace(atOrBefore: start - 1), bytes[colon] == UInt8(ascii: ":"),
                      let keyEnd = nonSpace(atOrBefore: colon - 1), bytes[keyEnd] == UInt8(ascii: "\""),
                      let keyStart = stringStart(closingAt: keyEnd)
                else { return .malformed }
                let key = UnsafeRawBufferPointer(rebasing: bytes[(keyStart + 1)..<keyEnd])
                let matched = AnswerScan.matching(key, at: depth, among: possible & missing, paths)
                if matched != 0 {
                    let deeper = AnswerScan.longer(matched, than: depth, paths)
                    switch kind {
                    case .object where deeper != 0 && depth < paths.depthMax:
                        switch object(closingAt: end, depth: depth + 1, possible: deeper, found: &found, missing: &missing) {
                        case .done: return .done
                        case .opened(let opened): guard opened == start else { return .malformed }
                        case .malformed: return .malformed
                        }
                    case .number:
                        let (value, next) = AnswerScan.number(bytes, from: start)
                        // A fraction or an exponent is a number but not an integer; anything
                        // else that stops the digits short is not a number.
                        if next <= end, !Self.startsFractionOrExponent(bytes[next]) { return .malformed }
                        if let value {
                            var ending = matched & ~deeper
                            while ending != 0 {
                                let slot = ending.trailingZeroBitCount
                                ending &= ending - 1
                                found[slot] = value
                                missing &= ~(1 << UInt64(slot))
                            }
                        }
                    case .object, .other:
                        break
                    }
                    if missing == 0 { return .done }
                }
                guard let before = nonSpace(atOrBefore: keyStart - 1) else { return .malformed }
                switch bytes[before] {
                case UInt8(ascii: ","):
                    guard let previous = nonSpace(atOrBefore: before - 1) else { return .malformed }
                    end = previous
                case UInt8(ascii: "{"):
                    return .opened(before)
                default:
                    return .malformed
                }
            }
        }

        /// Where the value whose last byte is at `end` starts, and what kind it is.
        func valueStart(endingAt end: Int) -> (Int, ValueKind)? {
            switch bytes[end] {
            case UInt8(ascii: "\""):
                return stringStart(closingAt: end).map { ($0, .other) }
            case UInt8(ascii: "}"):
                return containerStart(closingAt: end).map { ($0, .object) }
            case UInt8(ascii: "]"):
                return containerStart(closingAt: end).map { ($0, .other) }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                var start = end
                while start > 0, Self.isNumberByte(bytes[start - 1]) { start -= 1 }
                return (start, .number)
            case UInt8(ascii: "e"):
                if literal("true", endingAt: end) { return (end - 3, .other) }
                if literal("false", endingAt: end) { return (end - 4, .other) }
                return nil
            case UInt8(ascii: "l"):
                return literal("null", endingAt: end) ? (end - 3, .other) : nil
            default:
                return nil
            }
        }

        /// The index of the quote that opens the string whose closing quote is at `close`.
        func stringStart(closingAt close: Int) -> Int? {
            var index = close - 1
            while index >= 0 {
                if bytes[index] == UInt8(ascii: "\"") {
                    var slashes = 0
                    while index - slashes - 1 >= 0, bytes[index - slashes - 1] == UInt8(ascii: "\\") { slashes += 1 }
                    if slashes % 2 == 0 { return index }
                    index -= slashes
                }
                index -= 1
            }
            return nil
        }

        /// The index of the bracket that opens the container whose closing bracket is at `close`.
        func containerStart(closingAt close: Int) -> Int? {
            var index = close - 1
            var open = 1
            while index >= 0 {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let start = stringStart(closingAt: index) else { return nil }
                    index = start
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    open += 1
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    open -= 1
                    if open == 0 { return index }
                default:
                    break
                }
                index -= 1
            }
            return nil
        }

        func literal(_ text: StaticString, endingAt end: Int) -> Bool {
            let count = text.utf8CodeUnitCount
            guard end + 1 >= count else { return false }
            return text.withUTF8Buffer { expected in
                expected.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[(end + 1 - count)...end]))
            }
        }

        func firstNonSpace() -> Int? {
            var index = 0
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            return index < bytes.count ? index : nil
        }

        func nonSpace(atOrBefore position: Int) -> Int? {
            var index = position
            while index >= 0, Self.isSpace(bytes[index]) { index -= 1 }
            return index >= 0 ? index : nil
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }

        static func startsFractionOrExponent(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }

        /// A byte a number's literal can hold.
        static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                true
            default:
                false
            }
        }
    }
}
