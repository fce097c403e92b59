import Foundation
import KassaCore

/// Strict reading of a parsed JSON object: every getter names the field it reads, so an error
/// says exactly which one is wrong (`lines[2].qty`), and fields the contract does not know are
/// refused rather than silently dropped.
struct JSONObject {
    let values: [String: Any]
    let path: String

    /// Parses a request body that must be one JSON object.
    static func parse(_ data: Data) throws(APIError) -> JSONObject {
        guard !data.isEmpty else { throw APIError.malformed("the request body is empty; send a JSON object") }
        guard String(data: data, encoding: .utf8) != nil else { throw APIError.malformed("the request body is not valid UTF-8") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw APIError.malformed("the request body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw APIError.malformed("the request body must be a JSON object") }
        return JSONObject(values: object, path: "")
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses keys outside `known`.
    func only(_ known: Set<String>) throws(APIError) {
        for key in values.keys where !known.contains(key) {
            throw APIError.invalid(name(key), "unknown field '\(name(key))'; the fields here are \(known.sorted().joined(separator: ", "))")
        }
    }

    func has(_ key: String) -> Bool { values[key] != nil && !(values[key] is NSNull) }

    func string(_ key: String, max: Int = 256, required: Bool = true) throws(APIError) -> String? {
        guard let raw = values[key], !(raw is NSNull) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return nil
        }
        guard let text = raw as? String, !isNumber(raw) else { throw APIError.invalid(name(key), "\(name(key)) must be a string") }
        guard text.utf8.count <= max else { throw APIError.invalid(name(key), "\(name(key)) is longer than \(max) bytes") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw APIError.invalid(name(key), "\(name(key)) contains control characters")
        }
        return text
    }

    func requiredString(_ key: String, max: Int = 256) throws(APIError) -> String {
        guard let text = try string(key, max: max), !text.isEmpty else { throw APIError.invalid(name(key), "\(name(key)) must not be empty") }
        return text
    }

    /// An integer that fits Int64 exactly (money in minor units).
    func integer(_ key: String, required: Bool = true) throws(APIError) -> Int64? {
        guard let raw = values[key], !(raw is NSNull) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return nil
        }
        guard isNumber(raw), let number = raw as? NSNumber else { throw APIError.invalid(name(key), "\(name(key)) must be a whole number") }
        let text = "\(number)"
        guard let value = Int64(text) else {
            throw APIError.invalid(name(key), "\(name(key)) must be a whole number within ±9223372036854775807, got \(text)")
        }
        return value
    }

    /// A quantity: a number with at most three decimals, above zero.
    func quantity(_ key: String) throws(APIError) -> Quantity {
        guard let raw = values[key], !(raw is NSNull) else { throw APIError.invalid(name(key), "\(name(key)) is required") }
        guard isNumber(raw), let number = raw as? NSNumber else { throw APIError.invalid(name(key), "\(name(key)) must be a number") }
        let double = number.doubleValue
        guard double.isFinite else { throw APIError.invalid(name(key), "\(name(key)) is out of range") }
        // The shortest text that reads back as the same double is what the client wrote for any
        // quantity with up to 15 significant digits.
        let text = Int64(exactly: double).map(String.init) ?? "\(double)"
        guard let quantity = Quantity(decimal: text) else {
            throw APIError.invalid(name(key), "\(name(key)) must have at most 3 decimals and fit a quantity, got \(text)")
        }
        guard quantity.thousandths > 0 else { throw APIError.invalid(name(key), "\(name(key)) must be above zero, got \(text)") }
        return quantity
    }

    func object(_ key: String, required: Bool = true) throws(APIError) -> JSONObject? {
        guard let raw = values[key], !(raw is NSNull) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return nil
        }
        guard let object = raw as? [String: Any] else { throw APIError.invalid(name(key), "\(name(key)) must be an object") }
        return JSONObject(values: object, path: name(key))
    }

    func array(_ key: String, max: Int, required: Bool = true) throws(APIError) -> [JSONObject] {
        guard let raw = values[key], !(raw is NSNull) else {
            if required { throw APIError.invalid(name(key), "\(name(key)) is required") }
            return []
        }
        guard let items = raw as? [Any] else { throw APIError.invalid(name(key), "\(name(key)) must be an array") }
        guard items.count <= max else {
            throw APIError(.unprocessableContent, key == "lines" ? "too_many_lines" : "invalid_field",
                           "\(name(key)) has \(items.count) items, at most \(max) are accepted", field: name(key))
        }
        var out: [JSONObject] = []
        out.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let object = item as? [String: Any] else { throw APIError.invalid("\(name(key))[\(index)]", "\(name(key))[\(index)] must be an object") }
            out.append(JSONObject(values: object, path: "\(name(key))[\(index)]"))
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

/// The class Foundation uses for JSON `true` and `false` (on Linux an NSNumber also answers
/// `is Bool` for 0 and 1, so the class is what tells them apart).
private let booleanClass: AnyClass = type(of: NSNumber(value: true))

/// Whether a parsed JSON value is a number (not a boolean).
func isNumber(_ value: Any) -> Bool {
    guard let number = value as? NSNumber else { return false }
    return !(type(of: number) === booleanClass)
}

/// Whether a parsed JSON value is `true` or `false`.
func isBoolean(_ value: Any) -> Bool {
    guard let number = value as? NSNumber else { return false }
    return type(of: number) === booleanClass
}
