/// One parsed JSON value.
///
/// Numbers keep the literal text the client wrote (`0.755`, `8990`, `1e3`), already checked
/// against the JSON grammar: money and quantities are read from that text exactly, never through
/// a `Double`. Objects keep their members in document order with unique keys: the objects of
/// requests hold a handful of members, which a scan finds faster than hashing the key, and an
/// error about "the first unknown field" names the same field every time.
enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The text of a string value; nil for every other kind.
    var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}

/// One member of a JSON object.
struct JSONMember: Hashable, Sendable {
    var key: String
    var value: JSONValue
}

extension [JSONMember] {
    /// The value under `key`, if the object has it.
    subscript(key: String) -> JSONValue? {
        for member in self where member.key == key { return member.value }
        return nil
    }
}
