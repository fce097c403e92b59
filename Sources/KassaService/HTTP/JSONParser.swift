/// A strict JSON parser (RFC 8259) for request bodies.
///
/// Foundation's `JSONSerialization` cost a tenth of the server's CPU, and reading its `Any` tree
/// back with dynamic casts another fifth; this reads the bytes once into `JSONValue`. It accepts
/// exactly the RFC's grammar and refuses, with the byte offset and the path of the value: invalid
/// UTF-8, control characters in strings, unknown escapes, lone surrogates, leading zeros,
/// numbers beyond the range of a `Double` (as Foundation did, so that no client sees a number
/// read one way here and another way elsewhere), nesting deeper than `depthMax`, a key repeated
/// in one object (which value is meant would be a guess), and anything after the value. A UTF-8
/// byte order mark before the value is skipped, as RFC 8259 §8.1 allows and Foundation did.
struct JSONParser {
    /// Objects and arrays nest at most this deep. The contract's deepest body is three levels
    /// (a batch of sales with lines); the limit keeps hostile input from exhausting the stack.
    static let depthMax = 64

    private var index = 0
    private var depth = 0
    /// The members of the objects being read, innermost last; an object takes its own off the
    /// end when it closes, so its array is allocated once at its final size.
    private var members: [JSONMember] = []
    /// Where each key of `members` starts, for the error about a repeated key.
    private var keyOffsets: [Int] = []
    /// The elements of the arrays being read, innermost last.
    private var elements: [JSONValue] = []
    /// A string with escapes, decoded.
    private var unescaped: [UInt8] = []

    /// Parses `bytes` as one JSON document.
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser()
        return try parser.document(bytes.span)
    }

    private mutating func document(_ bytes: Span<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace(bytes)
        guard index < bytes.count else { throw failure(.noValue, "the document holds no value") }
        let result = try value(bytes)
        skipWhitespace(bytes)
        guard index == bytes.count else {
            throw failure(.trailingData, "\(describe(bytes)) after the end of the document; send exactly one JSON value")
        }
        return result
    }

    private mutating func value(_ bytes: Span<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw failure(.unexpectedEnd, "the document ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(bytes)
        case UInt8(ascii: "["): return try array(bytes)
        case UInt8(ascii: "\""): return .string(try string(bytes))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number(bytes))
        case UInt8(ascii: "t"): try literal(bytes, "true"); return .bool(true)
        case UInt8(ascii: "f"): try literal(bytes, "false"); return .bool(false)
        case UInt8(ascii: "n"): try literal(bytes, "null"); return .null
        default: throw failure(.unexpectedByte, "\(describe(bytes)) where a value should be")
        }
    }

    // MARK: - Containers

    private mutating func object(_ bytes: Span<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        let base = members.count
        skipWhitespace(bytes)
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([])
        }
        while true {
            guard index < bytes.count else { throw failure(.unexpectedEnd, "the document ends inside an object") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw failure(.unexpectedByte, "\(describe(bytes)) where a key in double quotes should be") }
            let keyOffset = index
            let key = try string(bytes)
            skipWhitespace(bytes)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure(index < bytes.count ? .unexpectedByte : .unexpectedEnd, "expected ':' after the key '\(key)'")
            }
            index += 1
            skipWhitespace(bytes)
            let member: JSONValue
            do {
                member = try value(bytes)
            } catch {
                throw error.inside(key: key)
            }
            members.append(JSONMember(key: key, value: member))
            keyOffsets.append(keyOffset)
            skipWhitespace(bytes)
            guard index < bytes.count else { throw failure(.unexpectedEnd, "the document ends inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace(bytes)
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw failure(.unexpectedByte, "expected ',' or '}' after a member, found \(describe(bytes))") }
            index += 1
            break
        }
        if let repeated = firstRepeatedKey(from: base) {
            throw JSONSyntaxError(code: .duplicateKey, message: "the key '\(members[repeated].key)' appears more than once in one object",
                                  offset: keyOffsets[repeated], path: members[repeated].key)
        }
        let object = Array(members[base...])
        members.removeSubrange(base...)
        keyOffsets.removeSubrange(base...)
        depth -= 1
        return .object(object)
    }

    private mutating func array(_ bytes: Span<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        let base = elements.count
        skipWhitespace(bytes)
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array([])
        }
        while true {
            let element: JSONValue
            do {
                element = try value(bytes)
            } catch {
                throw error.inside(index: elements.count - base)
            }
            elements.append(element)
            skipWhitespace(bytes)
            guard index < bytes.count else { throw failure(.unexpectedEnd, "the document ends inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace(bytes)
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw failure(.unexpectedByte, "expected ',' or ']' after an element, found \(describe(bytes))") }
            index += 1
            break
        }
        let array = Array(elements[base...])
        elements.removeSubrange(base...)
        depth -= 1
        return .array(array)
    }

    /// The position of the first member from `base` on whose key an earlier member has.
    private func firstRepeatedKey(from base: Int) -> Int? {
        // Objects in requests hold a few members, where comparing every pair beats hashing;
        // a hashed set keeps large (hostile) objects linear.
        if members.count - base <= 16 {
            for later in base..<members.count {
                for earlier in base..<later where members[earlier].key == members[later].key { return later }
            }
            return nil
        }
        var seen = Set<String>(minimumCapacity: members.count - base)
        for position in base..<members.count where !seen.insert(members[position].key).inserted { return position }
        return nil
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.depthMax else {
            throw failure(.tooDeep, "objects and arrays nest deeper than \(Self.depthMax) levels")
        }
    }

    // MARK: - Strings

    /// A string from its opening quote; the fast path copies it as it stands.
    private mutating func string(_ bytes: Span<UInt8>) throws(JSONSyntaxError) -> String {
        let opening = index
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try Self.text(bytes.extracting(start..<index), offset: start)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(bytes, from: start) }
            if byte < 0x20 { throw failure(.controlCharacter, "a control character (0x\(hex(byte))) inside a string; write it as an escape") }
            index += 1
        }
        throw failure(.unexpectedEnd, "the string that starts here is not closed", at: opening)
    }

    /// The rest of a string that holds escapes, from its first backslash at `index`.
    private mutating func escapedString(_ bytes: Span<UInt8>, from start: Int) throws(JSONSyntaxError) -> String {
        unescaped.removeAll(keepingCapacity: true)
        for position in start..<index { unescaped.append(bytes[position]) }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                // Raw bytes were copied unchecked; escapes only add whole scalars, so checking the
                // decoded bytes finds exactly the invalid UTF-8 of the original.
                return try Self.text(unescaped.span, offset: start)
            case UInt8(ascii: "\\"):
                try escape(bytes)
            case 0..<0x20:
                throw failure(.controlCharacter, "a control character (0x\(hex(byte))) inside a string; write it as an escape")
            default:
                unescaped.append(byte)
                index += 1
            }
        }
        throw failure(.unexpectedEnd, "the string that starts here is not closed", at: start - 1)
    }

    private mutating func escape(_ bytes: Span<UInt8>) throws(JSONSyntaxError) {
        let backslash = index
        index += 1
        guard index < bytes.count else { throw failure(.unexpectedEnd, "the document ends inside an escape") }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(letter)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"): appendUTF8(try unicodeEscape(bytes, at: backslash))
        default: throw failure(.invalidEscape, "a backslash followed by \(describe(letter)) is not a JSON escape", at: backslash)
        }
    }

    /// The scalar of a `\uXXXX` escape whose backslash is at `backslash`, with the second half
    /// of a surrogate pair when it is one.
    private mutating func unicodeEscape(_ bytes: Span<UInt8>, at backslash: Int) throws(JSONSyntaxError) -> Unicode.Scalar {
        let unit = try hexUnit(bytes, at: backslash)
        switch unit {
        case 0xD800...0xDBFF:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure(.loneSurrogate, "\\u\(hex(unit)) is the first half of a surrogate pair without its second half", at: backslash)
            }
            let second = index
            index += 2
            let low = try hexUnit(bytes, at: second)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure(.loneSurrogate, "\\u\(hex(unit)) is followed by \\u\(hex(low)), not the second half of a surrogate pair", at: backslash)
            }
            let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw failure(.loneSurrogate, "not a Unicode scalar", at: backslash) }
            return scalar
        case 0xDC00...0xDFFF:
            throw failure(.loneSurrogate, "\\u\(hex(unit)) is the second half of a surrogate pair without its first half", at: backslash)
        default:
            guard let scalar = Unicode.Scalar(unit) else { throw failure(.loneSurrogate, "not a Unicode scalar", at: backslash) }
            return scalar
        }
    }

    /// Four hex digits at `index` (just after `\u`).
    private mutating func hexUnit(_ bytes: Span<UInt8>, at backslash: Int) throws(JSONSyntaxError) -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw failure(.unexpectedEnd, "the document ends inside a \\u escape") }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure(.invalidEscape, "a \\u escape needs four hex digits", at: backslash)
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }

    private mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        for unit in UTF8.encode(scalar) ?? UTF8.EncodedScalar() { unescaped.append(unit) }
    }

    /// Checked UTF-8 as a String; `offset` is where `bytes` start in the document.
    private static func text(_ bytes: Span<UInt8>, offset: Int) throws(JSONSyntaxError) -> String {
        do {
            return String(copying: try UTF8Span(validating: bytes))
        } catch {
            throw JSONSyntaxError(code: .invalidUTF8, message: "a string is not valid UTF-8 (\(error.kind))",
                                  offset: offset + error.byteOffsets.lowerBound)
        }
    }

    // MARK: - Numbers and literals

    /// A number's literal text, checked against the grammar
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number(_ bytes: Span<UInt8>) throws(JSONSyntaxError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(bytes) else { throw failure(.invalidNumber, "a minus sign must be followed by digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(bytes) { throw failure(.leadingZero, "a number must not start with a leading zero", at: start) }
        } else {
            skipDigits(bytes)
        }
        var hasExponent = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(bytes) else { throw failure(.invalidNumber, "a decimal point must be followed by digits") }
            skipDigits(bytes)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            hasExponent = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(bytes) else { throw failure(.invalidNumber, "an exponent must have digits") }
            skipDigits(bytes)
        }
        let literal = try Self.text(bytes.extracting(start..<index), offset: start)
        // Only an exponent or more than 308 digits can leave the range of a Double.
        if hasExponent || literal.utf8.count > 308 {
            guard let double = Double(literal), double.isFinite else {
                throw failure(.numberOutOfRange, "\(literal.prefix(40)) is beyond the range of JSON numbers (±1.8e308)", at: start)
            }
        }
        return literal
    }

    private func isDigit(_ bytes: Span<UInt8>) -> Bool {
        index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
    }

    private mutating func skipDigits(_ bytes: Span<UInt8>) {
        while isDigit(bytes) { index += 1 }
    }

    private mutating func literal(_ bytes: Span<UInt8>, _ word: String) throws(JSONSyntaxError) {
        let start = index
        for letter in word.utf8 {
            guard index < bytes.count, bytes[index] == letter else { throw failure(.unexpectedByte, "expected \(word) here", at: start) }
            index += 1
        }
    }

    private mutating func skipWhitespace(_ bytes: Span<UInt8>) {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    // MARK: - Errors

    private func failure(_ code: JSONSyntaxError.Code, _ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(code: code, message: message, offset: offset ?? index)
    }

    /// The byte at `index` as a person would name it: `'x'`, or its hex value.
    private func describe(_ bytes: Span<UInt8>) -> String {
        index < bytes.count ? describe(bytes[index]) : "the end"
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(byte))"
    }

    private func hex(_ value: some BinaryInteger) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        let width = value.bitWidth <= 8 ? 2 : 4
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
