/// Why some bytes are not one JSON document (RFC 8259), and where.
struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem; tests and callers switch on it, people read `message`.
    enum Code: Equatable, Sendable {
        case noValue
        case unexpectedEnd
        case unexpectedByte
        case trailingData
        case invalidUTF8
        case controlCharacter
        case invalidEscape
        case loneSurrogate
        case leadingZero
        case invalidNumber
        case numberOutOfRange
        case tooDeep
        case duplicateKey
    }

    var code: Code
    /// What is wrong, for a person: "expected ',' or '}' after a member".
    var message: String
    /// Where the problem was found, in bytes from the start of the document.
    var offset: Int
    /// The value the problem is in, written like a field name (`lines[2].qty`); empty when it is
    /// the document itself.
    var path: String = ""

    var description: String { "\(message) at byte \(offset)\(path.isEmpty ? "" : " (in \(path))")" }

    /// The same error seen from the object that holds the value under `key`.
    func inside(key: String) -> JSONSyntaxError {
        var outer = self
        outer.path = path.isEmpty ? key : path.hasPrefix("[") ? key + path : "\(key).\(path)"
        return outer
    }

    /// The same error seen from the array that holds the value at `index`.
    func inside(index: Int) -> JSONSyntaxError {
        var outer = self
        outer.path = path.isEmpty || path.hasPrefix("[") ? "[\(index)]\(path)" : "[\(index)].\(path)"
        return outer
    }
}
