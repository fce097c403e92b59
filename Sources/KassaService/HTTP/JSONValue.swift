/// One parsed JSON value.
///
/// Numbers keep the literal text the client wrote (`0.755`, `8990`, `1e3`), already checked
/// against the JSON grammar: money and quantities are read from that text exactly, never through
/// a `Double`.
enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The text of a string value; nil for every other kind.
    var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}
