import Foundation

/// Writes a tree of `Any` values as JSON, for the answers that arrive as one: the rules in force
/// (`RuleSet.jsonTree`). Routes write their own answers with `JSONWriter`, which needs no dynamic
/// casts; this handles exactly the values such trees hold (strings, integers, booleans,
/// decimals, doubles, arrays and dictionaries) and sorts keys by their bytes like every answer.
enum JSONText {
    static func encode(_ value: Any) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        write(value, into: &writer)
        return writer.bytes
    }

    static func write(_ value: Any, into writer: inout JSONWriter) {
        switch value {
        case let text as String: writer.value(text)
        case let flag as Bool: writer.value(flag)
        case let number as Int: writer.value(Int64(number))
        case let number as Int64: writer.value(number)
        case let number as UInt64: writer.value(number)
        case let number as Int32: writer.value(Int64(number))
        case let number as UInt32: writer.value(Int64(number))
        case let number as Decimal: writer.number(number.description)
        case let number as Double:
            if number.isFinite {
                writer.number(Int64(exactly: number).map(String.init) ?? "\(number)")
            } else {
                writer.null()
            }
        case let object as [String: Any]:
            writer.object { members in
                for key in object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    members.key(key)
                    write(object[key] ?? NSNull(), into: &members)
                }
            }
        case let array as [Any]:
            writer.array(array) { elements, item in write(item, into: &elements) }
        case is NSNull:
            writer.null()
        default:
            // Every value such trees hold is one of the above; anything else is a bug, shown
            // rather than hidden.
            writer.value("\(value)")
        }
    }
}
