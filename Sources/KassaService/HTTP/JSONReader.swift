import Foundation
import KassaCore

/// Strict reading of a parsed JSON object: every getter names the field it reads, so an error
/// says exactly which one is wrong (`lines[2].qty`), and fields the contract does not know are
/// refused rather than silently dropped.
struct JSONObject {
    let members: [JSONMember]
    /// The path of the value that holds this object (`lines`), or the whole path when `index`
    /// is nil; the element's path is only written out for an error.
    private let container: String
    private let index: Int?

    init(members: [JSONMember], path: String) {
        self.members = members
        container = path
        index = nil
    }

    private init(members: [JSONMember], container: String, index: Int) {
        self.members = members
        self.container = container
        self.index = index
    }

    /// Where this object is in the request: `""` for the body, `customer`, `lines[2]`.
    var path: String { index.map { "\(container)[\($0)]" } ?? container }

    /// Parses a request body that must be one JSON object.
    static func parse(_ bytes: [UInt8]) throws(APIError) -> JSONObject {
        guard !bytes.isEmpty else { throw APIError.malformed("the request body is empty; send a JSON object") }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(bytes)
        } catch {
            let field = error.path.isEmpty ? nil : error.path
            switch error.code {
            case .invalidUTF8: throw APIError.malformed("the request body is not valid UTF-8: \(error)", field: field)
            case .duplicateKey: throw APIError.malformed("the request body is ambiguous: \(error)", field: field)
            default: throw APIError.malformed("the request body is not valid JSON: \(error)", field: field)
            }
        }
        guard case .object(let object) = parsed else { throw APIError.malformed("the request body must be a JSON object") }
        return JSONObject(members: object, path: "")
    }

    /// Parses like `parse(_:)` from `Data`.
    static func parse(_ data: Data) throws(APIError) -> JSONObject { try parse([UInt8](data)) }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses keys outside `known`, naming the first in the document.
    func only(_ known: [String]) throws(APIError) {
        for member in members where !known.contains(member.key) {
            let key = member.key
            throw APIError.invalid(name(key), "unknown field '\(name(key))'; the fields here are \(known.sorted().joined(separator: ", "))")
        }
    }

    /// The value under `key` as the client sent it, null included.
    subscript(key: String) -> JSONValue? { members[key] }

    /// Whether `key` is present and not null.
    func has(_ key: String) -> Bool { present(key) != nil }

    /// The value under `key`; nil when absent or null, which the contract treats alike.
    func present(_ key: String) -> JSONValue? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    func string(_ key: String, max: Int = 256, required: Bool = true) throws(APIError) -> String? {
        guard let raw = present(key) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return nil
        }
        guard case .string(let text) = raw else { throw APIError.invalid(name(key), "\(name(key)) must be a string") }
        guard text.utf8.count <= max else { throw APIError.invalid(name(key), "\(name(key)) is longer than \(max) bytes") }
        // Control characters are single bytes in UTF-8, and no longer sequence holds a byte below 0x80.
        var utf8 = text
        guard !utf8.withUTF8({ $0.contains { $0 < 0x20 || $0 == 0x7F } }) else {
            throw APIError.invalid(name(key), "\(name(key)) contains control characters")
        }
        return text
    }

    func requiredString(_ key: String, max: Int = 256) throws(APIError) -> String {
        guard let text = try string(key, max: max), !text.isEmpty else { throw APIError.invalid(name(key), "\(name(key)) must not be empty") }
        return text
    }

    /// An integer that fits Int64 exactly (money in minor units), written as one: `1.0` and `1e3`
    /// are refused, as they were when Foundation read the body.
    func integer(_ key: String, required: Bool = true) throws(APIError) -> Int64? {
        guard let raw = present(key) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return nil
        }
        guard case .number(let text) = raw else { throw APIError.invalid(name(key), "\(name(key)) must be a whole number") }
        guard let value = JSONNumber.wholeNumber(text) else {
            throw APIError.invalid(name(key), "\(name(key)) must be a whole number within ±9223372036854775807, got \(text)")
        }
        return value
    }

    /// A quantity: a number with at most three decimals, above zero. Read from the literal, so
    /// what the client wrote is what counts: `2.50`, `1.0000` and `1e3` are 2.5, 1 and 1000,
    /// and `2.0000000000000001` is refused (a Double would have made it 2).
    func quantity(_ key: String) throws(APIError) -> Quantity {
        guard let raw = present(key) else { throw APIError.invalid(name(key), "\(name(key)) is required") }
        guard case .number(let text) = raw else { throw APIError.invalid(name(key), "\(name(key)) must be a number") }
        guard let quantity = JSONNumber.quantity(text) else {
            throw APIError.invalid(name(key), "\(name(key)) must have at most 3 decimals and fit a quantity, got \(text)")
        }
        guard quantity.thousandths > 0 else { throw APIError.invalid(name(key), "\(name(key)) must be above zero, got \(text)") }
        return quantity
    }

    func object(_ key: String, required: Bool = true) throws(APIError) -> JSONObject? {
        guard let raw = present(key) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return nil
        }
        guard case .object(let object) = raw else { throw APIError.invalid(name(key), "\(name(key)) must be an object") }
        return JSONObject(members: object, path: name(key))
    }

    func array(_ key: String, max: Int, required: Bool = true) throws(APIError) -> [JSONObject] {
        guard let raw = present(key) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return []
        }
        guard case .array(let items) = raw else { throw APIError.invalid(name(key), "\(name(key)) must be an array") }
        guard items.count <= max else {
            throw APIError(.unprocessableContent, key == "lines" ? "too_many_lines" : "invalid_field",
                           "\(name(key)) has \(items.count) items, at most \(max) are accepted", field: name(key))
        }
        var out: [JSONObject] = []
        out.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else { throw APIError.invalid("\(name(key))[\(index)]", "\(name(key))[\(index)] must be an object") }
            out.append(JSONObject(members: object, container: name(key), index: index))
        }
        return out
    }

    func timestamp(_ key: String) throws(APIError) -> Timestamp {
        let text = try requiredString(key, max: 64)
        guard let time = RFC3339.parse(text) else {
            throw APIError.invalid(name(key), "\(name(key)) must be an RFC 3339 time with an offset, like 2026-11-22T10:15:00+03:00")
        }
        return time
    }

    func sku(_ key: String) throws(APIError) -> SKU {
        let text = try requiredString(key, max: SKU.lengthMax)
        // Codes on labels and in catalogs are letters, digits and a few separators; anything
        // else (markup, quotes, spaces) is refused here rather than stored and echoed.
        guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                                        || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || $0 == 0x2F }) else {
            throw APIError.invalid(name(key), "\(name(key)) may hold only letters, digits, '-', '.', '_' and '/'")
        }
        do {
            return try SKU(validating: text)
        } catch {
            throw APIError.invalid(name(key), "\(name(key)) '\(text)' is not a valid SKU: \(error)")
        }
    }

    func card(_ key: String, required: Bool) throws(APIError) -> CardNumber? {
        guard let text = try string(key, max: 32, required: required) else { return nil }
        guard let card = CardNumber(text) else { throw APIError.invalid(name(key), "\(name(key)) must be a card number of 6 to 19 digits") }
        return card
    }
}
