import Foundation
import KassaCore
import KassaTestSupport
import Testing
@testable import KassaService

/// The request parser: RFC 8259 exactly, refusals that say what and where, and agreement with
/// our writer and with Foundation on every value they both can hold.
@Suite("JSON request parser")
struct JSONParserTests {
    struct Valid: CustomTestStringConvertible, Sendable {
        var bytes: [UInt8]
        var value: JSONValue
        var testDescription: String { String(decoding: bytes.prefix(60), as: UTF8.self) }
        init(_ text: String, _ value: JSONValue) {
            bytes = Array(text.utf8)
            self.value = value
        }
        init(bytes: [UInt8], _ value: JSONValue) {
            self.bytes = bytes
            self.value = value
        }
    }

    static let valid: [Valid] = [
        Valid("{}", .object([])),
        Valid("[]", .array([])),
        Valid(" \t\r\n{ } \n", .object([])),
        Valid("true", .bool(true)),
        Valid("false", .bool(false)),
        Valid("null", .null),
        Valid("0", .number("0")),
        Valid("-0", .number("-0")),
        Valid("8990", .number("8990")),
        Valid("0.755", .number("0.755")),
        Valid("-12.50", .number("-12.50")),
        Valid("1e3", .number("1e3")),
        Valid("1E+3", .number("1E+3")),
        Valid("2.5e-3", .number("2.5e-3")),
        Valid("1e308", .number("1e308")),
        Valid("1e-400", .number("1e-400")),
        Valid("123456789012345678901234567890", .number("123456789012345678901234567890")),
        Valid("9223372036854775808", .number("9223372036854775808")),
        Valid(#""""#, .string("")),
        Valid(#""Молоко 3,2%""#, .string("Молоко 3,2%")),
        Valid(#""\" \\ \/ \b \f \n \r \t""#, .string("\" \\ / \u{8} \u{C} \n \r \t")),
        Valid(#""\u0041\u00e9\u20AC\u0000""#, .string("Aé€\u{0}")),
        Valid(#""\ud83d\ude00 and \uD834\uDD1E""#, .string("😀 and 𝄞")),
        Valid("\"\u{7F}\"", .string("\u{7F}")),
        Valid("\"😀 raw\"", .string("😀 raw")),
        Valid(#"{"a": 1, "b": [true, null, "x"], "c": {"d": -1.5e2}}"#, object([
            "a": .number("1"), "b": .array([.bool(true), .null, .string("x")]), "c": object(["d": .number("-1.5e2")]),
        ])),
        // Members keep the document's order.
        Valid(#"{"é": "\u00e9", "": 0, "b": {}}"#, object(["é": .string("é"), "": .number("0"), "b": .object([])])),
        // A byte order mark before the value is skipped (RFC 8259 §8.1; Foundation did too).
        Valid(bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8), object(["a": .number("1")])),
        Valid(String(repeating: "[", count: JSONParser.depthMax) + String(repeating: "]", count: JSONParser.depthMax),
              (1..<JSONParser.depthMax).reduce(JSONValue.array([])) { inner, _ in .array([inner]) }),
    ]

    static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(members.map { JSONMember(key: $0.key, value: $0.value) })
    }

    @Test(arguments: valid)
    func validDocumentsParseToTheirValues(_ example: Valid) throws {
        #expect(try JSONParser.parse(example.bytes) == example.value)
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var code: JSONSyntaxError.Code
        var offset: Int?
        var path: String?
        var testDescription: String { name }
        init(_ name: String, _ text: String, _ code: JSONSyntaxError.Code, offset: Int? = nil, path: String? = nil) {
            self.init(name, bytes: Array(text.utf8), code, offset: offset, path: path)
        }
        init(_ name: String, bytes: [UInt8], _ code: JSONSyntaxError.Code, offset: Int? = nil, path: String? = nil) {
            self.name = name
            self.bytes = bytes
            self.code = code
            self.offset = offset
            self.path = path
        }
    }

    static let invalid: [Invalid] = [
        Invalid("empty", "", .noValue),
        Invalid("only whitespace", "  \n ", .noValue),
        Invalid("trailing garbage", #"{"id": "S1"} xyz"#, .trailingData, offset: 13),
        Invalid("two documents", "{} {}", .trailingData, offset: 3),
        Invalid("unclosed object", #"{"id": "S1", "lines": ["#, .unexpectedEnd, path: "lines[0]"),
        Invalid("unclosed string", #"{"id": "S1"#, .unexpectedEnd, offset: 7, path: "id"),
        Invalid("missing colon", #"{"id" "S1"}"#, .unexpectedByte, offset: 6),
        Invalid("missing comma", #"{"a": 1 "b": 2}"#, .unexpectedByte, offset: 8),
        Invalid("trailing comma in an object", #"{"a": 1,}"#, .unexpectedByte, offset: 8),
        Invalid("trailing comma in an array", "[1,]", .unexpectedByte, offset: 3, path: "[1]"),
        Invalid("a key without quotes", "{a: 1}", .unexpectedByte, offset: 1),
        Invalid("single quotes", "{'a': 1}", .unexpectedByte, offset: 1),
        Invalid("a bare word", "nul", .unexpectedByte, offset: 0),
        Invalid("True capitalised", "True", .unexpectedByte, offset: 0),
        Invalid("NaN", "NaN", .unexpectedByte),
        Invalid("Infinity", "[-Infinity]", .invalidNumber, path: "[0]"),
        Invalid("a plus sign", "+1", .unexpectedByte),
        Invalid("a leading zero", #"{"lines": [{"qty": 01}]}"#, .leadingZero, offset: 19, path: "lines[0].qty"),
        Invalid("a negative leading zero", "-012", .leadingZero, offset: 0),
        Invalid("a point without digits", "1.", .invalidNumber),
        Invalid("a point without an integer", ".5", .unexpectedByte),
        Invalid("an exponent without digits", "1e", .invalidNumber),
        Invalid("an exponent sign without digits", "1e+", .invalidNumber),
        Invalid("a lone minus", "-", .invalidNumber),
        Invalid("hex", "0x10", .trailingData),
        Invalid("a number beyond doubles", #"{"id": 1e400}"#, .numberOutOfRange, offset: 7, path: "id"),
        Invalid("a negative number beyond doubles", "-1.8e308", .numberOutOfRange),
        Invalid("310 digits", String(repeating: "9", count: 310), .numberOutOfRange),
        Invalid("a raw newline in a string", "\"a\nb\"", .controlCharacter, offset: 2),
        Invalid("a raw tab in a string", "\"a\tb\"", .controlCharacter, offset: 2),
        Invalid("a raw NUL in a string", "\"a\u{0}b\"", .controlCharacter, offset: 2),
        Invalid("an unknown escape", #""\x41""#, .invalidEscape, offset: 1),
        Invalid("a short \\u escape", #""\u12""#, .invalidEscape, offset: 1),
        Invalid("a \\u escape with a non-hex digit", #""\u12G4""#, .invalidEscape, offset: 1),
        Invalid("a lone high surrogate", #"{"name": "\ud800"}"#, .loneSurrogate, offset: 10, path: "name"),
        Invalid("a high surrogate then a letter", #""\ud800x""#, .loneSurrogate, offset: 1),
        Invalid("a high surrogate then another escape", #""\ud800\u0041""#, .loneSurrogate, offset: 1),
        Invalid("a lone low surrogate", #""\udc00""#, .loneSurrogate, offset: 1),
        Invalid("two high surrogates", #""\ud800\ud800""#, .loneSurrogate, offset: 1),
        Invalid("invalid UTF-8 in a string", bytes: [0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], .invalidUTF8, offset: 7, path: "id"),
        Invalid("invalid UTF-8 after an escape", bytes: Array(#""\n"#.utf8) + [0xFF, 0x22], .invalidUTF8),
        Invalid("an overlong slash", bytes: [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8, offset: 1),
        Invalid("a surrogate encoded in UTF-8", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, offset: 1),
        Invalid("a code point beyond U+10FFFF", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, offset: 1),
        Invalid("a truncated sequence at the end of a string", bytes: [0x22, 0x61, 0xE2, 0x82, 0x22], .invalidUTF8, offset: 2),
        Invalid("invalid UTF-8 in a key", bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], .invalidUTF8, offset: 2),
        Invalid("a byte above ASCII outside strings", bytes: [0x5B, 0xC3, 0xA9, 0x5D], .unexpectedByte, offset: 1, path: "[0]"),
        Invalid("a byte order mark in the middle", bytes: [0x5B, 0xEF, 0xBB, 0xBF, 0x5D], .unexpectedByte, offset: 1),
        Invalid("UTF-16", bytes: [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], .unexpectedByte, offset: 0),
        Invalid("a comment", "{} // note", .trailingData),
        Invalid("nesting one level too deep", String(repeating: "[", count: JSONParser.depthMax + 1) + String(repeating: "]", count: JSONParser.depthMax + 1),
                .tooDeep, offset: JSONParser.depthMax),
        Invalid("ten thousand levels", String(repeating: #"{"a":"#, count: 10_000), .tooDeep,
                path: Array(repeating: "a", count: JSONParser.depthMax).joined(separator: ".")),
        Invalid("a repeated key", #"{"qty": 1, "qty": 2}"#, .duplicateKey, offset: 11, path: "qty"),
        Invalid("a repeated key in a line", #"{"lines": [{"sku": "1"}, {"price": 1, "sku": "2", "price": 2}]}"#, .duplicateKey, path: "lines[1].price"),
    ]

    @Test(arguments: invalid)
    func invalidDocumentsAreRefusedWithWhatAndWhere(_ example: Invalid) throws {
        let error = try #require(throws: JSONSyntaxError.self) { try JSONParser.parse(example.bytes) }
        #expect(error.code == example.code, "\(error)")
        if let offset = example.offset { #expect(error.offset == offset, "\(error)") }
        if let path = example.path { #expect(error.path == path, "\(error)") }
        #expect(!error.message.isEmpty)
    }

    @Test func aRepeatedKeyInALargeObjectIsFound() throws {
        let members = (0..<1000).map { #""k\#($0)": \#($0)"# } + [#""k500": 0"#]
        let error = try #require(throws: JSONSyntaxError.self) { try JSONParser.parse(Array("{\(members.joined(separator: ","))}".utf8)) }
        #expect(error.code == .duplicateKey && error.path == "k500")
    }

    @Test func aMillionNestedBracketsFailFastWithoutExhaustingTheStack() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        let error = try #require(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        #expect(error.code == .tooDeep)
    }

    @Test func aBodyThatIsNotAnObjectOrNotJSONIsMalformed() throws {
        for body in ["[1, 2, 3]", #""sale""#, "42", "null", "{\"a\": 1} x", ""] {
            let error = try #require(throws: APIError.self) { try JSONObject.parse(Array(body.utf8)) }
            #expect(error.code == "malformed_json" && error.status == .badRequest, "\(body)")
        }
        let repeated = try #require(throws: APIError.self) {
            try JSONObject.parse(Array(#"{"lines": [{"qty": 1, "qty": 2}]}"#.utf8))
        }
        #expect(repeated.code == "malformed_json" && repeated.field == "lines[0].qty")
        #expect(repeated.message.contains("'qty' appears more than once"))
        let utf8 = try #require(throws: APIError.self) { try JSONObject.parse([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]) }
        #expect(utf8.message.hasPrefix("the request body is not valid UTF-8"))
    }

    // MARK: - Numbers read exactly

    @Test(arguments: [
        ("8990", Int64(8990)), ("-5", -5), ("0", 0), ("-0", 0),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
    ] as [(String, Int64)])
    func wholeNumbersReadAsWritten(_ literal: String, _ value: Int64) {
        #expect(JSONNumber.wholeNumber(literal) == value)
    }

    /// Money is an integer of minor units, written as one: `1.0` and `1e3` were refused when
    /// Foundation read the body and still are.
    @Test(arguments: ["1.0", "89.9", "1e3", "1E2", "9223372036854775808", "-9223372036854775809", "100000000000000000000"])
    func fractionsExponentsAndOverflowAreNotWholeNumbers(_ literal: String) {
        #expect(JSONNumber.wholeNumber(literal) == nil)
    }

    @Test(arguments: [
        ("2", Int64(2000)), ("0.755", 755), ("2.50", 2500), ("1.0000", 1000), ("12.5", 12500), ("-1", -1000),
        ("1e3", 1_000_000), ("1E+3", 1_000_000), ("1.2345e2", 123_450), ("12.5E-1", 1250), ("5e-1", 500),
        ("1e-3", 1), ("0.0005e1", 5), ("0e999999999999", 0), ("0.000", 0), ("-0", 0), ("7550e-4", 755),
    ] as [(String, Int64)])
    func quantitiesReadTheLiteralExactly(_ literal: String, _ thousandths: Int64) throws {
        let decimal = try #require(JSONNumber.plainDecimal(literal))
        #expect(Quantity(decimal: decimal)?.thousandths == thousandths, "\(literal) → \(decimal)")
    }

    @Test(arguments: ["0.7555", "1e-4", "2.0000000000000001", "1e-400", "0.1234567890123456789", "1e21", "100000000000000000000", "1e999999999999"])
    func quantitiesNeedingMoreThanThreeDecimalsOrTwentyDigitsAreRefused(_ literal: String) {
        #expect(JSONNumber.plainDecimal(literal) == nil)
    }

    /// The fast reading of plain literals agrees with the general one on every kind of literal.
    @Test func quantityFastPathAgreesWithTheDecimalReading() {
        var random = SeededGenerator(seed: 7)
        var literals = ["0", "-0", "0.5", "9223372036854775", "9223372036854776", "9223372036854775.807", "1.", "12.3456"]
        for _ in 0..<5000 {
            let integer = Int64.random(in: 0...Int64.max / 1000, using: &random) >> Int64.random(in: 0...62, using: &random)
            let decimals = String(Int.random(in: 0...9999, using: &random)).prefix(Int.random(in: 0...4, using: &random))
            literals.append((Bool.random(using: &random) ? "-" : "") + "\(integer)" + (decimals.isEmpty ? "" : ".\(decimals)"))
        }
        for literal in literals {
            let general = JSONNumber.plainDecimal(literal).flatMap { Quantity(decimal: $0) }
            #expect(JSONNumber.quantity(literal) == general, "\(literal)")
            if let fast = JSONNumber.plainThousandths(literal) { #expect(Quantity(thousandths: fast) == general, "\(literal)") }
        }
    }

    @Test func theFirstUnknownFieldInTheDocumentIsNamed() throws {
        let body = try JSONObject.parse(Array(#"{"id": "S1", "zeta": 1, "alpha": 2}"#.utf8))
        let error = try #require(throws: APIError.self) { try body.only(["id"]) }
        #expect(error.field == "zeta" && error.message == "unknown field 'zeta'; the fields here are id")
    }

    @Test func gettersKeepTheirMessages() throws {
        let body = try JSONObject.parse(Array(#"{"price": 1.0, "qty": 1e300, "q2": 0, "q3": -1, "q4": 0.7555, "q5": "2", "n": null, "flag": 1, "name": 5, "lines": [1]}"#.utf8))
        func message(_ read: (JSONObject) throws -> Void) -> String? {
            do {
                try read(body)
            } catch let error as APIError {
                return "\(error.field ?? "-"): \(error.message)"
            } catch {
                return "\(error)"
            }
            return nil
        }
        #expect(message { _ = try $0.integer("price") } == "price: price must be a whole number within ±9223372036854775807, got 1.0")
        #expect(message { _ = try $0.quantity("qty") } == "qty: qty must have at most 3 decimals and fit a quantity, got 1e300")
        #expect(message { _ = try $0.quantity("q2") } == "q2: q2 must be above zero, got 0")
        #expect(message { _ = try $0.quantity("q3") } == "q3: q3 must be above zero, got -1")
        #expect(message { _ = try $0.quantity("q4") } == "q4: q4 must have at most 3 decimals and fit a quantity, got 0.7555")
        #expect(message { _ = try $0.quantity("q5") } == "q5: q5 must be a number")
        #expect(message { _ = try $0.quantity("n") } == "n: n is required")
        #expect(message { _ = try $0.integer("name") } == nil)
        #expect(message { _ = try $0.string("name") } == "name: name must be a string")
        #expect(message { _ = try Wire.bool($0, "flag") } == "flag: flag must be true or false")
        #expect(message { _ = try $0.array("lines", max: 5) } == "lines[0]: lines[0] must be an object")
        #expect(try body.integer("n", required: false) == nil)
        #expect(!body.has("n") && !body.has("absent") && body.has("flag"))
    }

    // MARK: - Round trips

    @Test func randomDocumentsRoundTripThroughOurWriterAndFoundationAgrees() throws {
        var random = SeededGenerator(seed: 20261126)
        for round in 0..<400 {
            let value = JSONValue.random(depth: 4, using: &random)
            var writer = JSONWriter()
            writer.value(value)
            let parsed = try JSONParser.parse(writer.bytes)
            #expect(parsed == value, "round \(round): \(String(decoding: writer.bytes, as: UTF8.self))")
            let foundation = try JSONSerialization.jsonObject(with: Data(writer.bytes), options: [.fragmentsAllowed])
            #expect(agrees(foundation, value), "round \(round): Foundation read \(foundation) from \(String(decoding: writer.bytes, as: UTF8.self))")
        }
    }

    @Test func foundationsOutputParsesToTheSameValues() throws {
        let object: [String: Any] = ["text": "Молоко \"3,2%\"\n\\ \u{1}\u{7F}😀", "int": 42, "neg": -7, "min": Int64.min,
                                     "flag": true, "off": false, "qty": 0.755, "list": [1, "two", ["three": 3]] as [Any], "none": NSNull()]
        let data = try JSONSerialization.data(withJSONObject: object)
        let parsed = try JSONParser.parse([UInt8](data))
        #expect(agrees(object, parsed))
    }

    /// Whether Foundation's reading of a document holds the same values as ours, allowing for
    /// two quirks of Foundation's reader (ours follows RFC 8259 there): it drops U+FEFF in some
    /// places inside strings, and it reads long decimals through `NSDecimalNumber`, whose
    /// `doubleValue` can be off by an ulp.
    func agrees(_ foundation: Any, _ value: JSONValue) -> Bool {
        switch value {
        case .null: return foundation is NSNull
        case .bool(let flag):
            guard let number = foundation as? NSNumber, type(of: number) == type(of: NSNumber(value: true)) else { return false }
            return number.boolValue == flag
        case .number(let literal):
            guard let number = foundation as? NSNumber, type(of: number) != type(of: NSNumber(value: true)) else { return false }
            if let whole = JSONNumber.wholeNumber(literal) { return number.int64Value == whole && "\(number)" == "\(whole)" }
            guard let double = Double(literal) else { return false }
            return abs(number.doubleValue - double) <= abs(double) * 4 * Double.ulpOfOne
        case .string(let text): return (foundation as? String).map(withoutBOM) == withoutBOM(text)
        case .array(let items):
            guard let array = foundation as? [Any], array.count == items.count else { return false }
            return zip(array, items).allSatisfy { agrees($0, $1) }
        case .object(let members):
            // Keys that differ only by U+FEFF are one key to Foundation.
            if Set(members.map { withoutBOM($0.key) }).count < members.count { return foundation is [String: Any] }
            guard let object = foundation as? [String: Any], object.count == members.count else { return false }
            let byKey = Dictionary(object.map { (withoutBOM($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
            return members.allSatisfy { member in byKey[withoutBOM(member.key)].map { agrees($0, member.value) } ?? false }
        }
    }

    func withoutBOM(_ text: String) -> String { String(text.unicodeScalars.filter { $0 != "\u{FEFF}" }) }
}

extension JSONValue {
    /// A random value: every kind, strings with escapes and characters from every plane,
    /// numbers in every form the grammar allows within the range of a Double.
    static func random(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let kinds = depth > 0 ? 6 : 4
        switch Int.random(in: 0..<kinds, using: &generator) {
        case 0: return Bool.random(using: &generator) ? .null : .bool(Bool.random(using: &generator))
        case 1: return .number(randomNumber(using: &generator))
        case 2, 3: return .string(randomText(using: &generator))
        case 4: return .array((0..<Int.random(in: 0..<5, using: &generator)).map { _ in random(depth: depth - 1, using: &generator) })
        default:
            // Unique keys in byte order, the order our writer puts them in.
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<6, using: &generator) {
                members[randomText(using: &generator)] = random(depth: depth - 1, using: &generator)
            }
            return .object(members.map { JSONMember(key: $0.key, value: $0.value) }
                .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        }
    }

    static func randomNumber(using generator: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: return String(Int64.random(in: .min ... .max, using: &generator))
        case 1: return String(Int.random(in: -1000...1000, using: &generator))
        case 2: return "\(Int.random(in: -99999...99999, using: &generator)).\(Int.random(in: 0...999, using: &generator))"
        case 3: return "\(Int.random(in: 1...9, using: &generator)).\(Int.random(in: 0...99, using: &generator))e\(["", "+", "-"].randomElement(using: &generator) ?? "")\(Int.random(in: 0...300, using: &generator))"
        default: return "\(Double.random(in: -1e6...1e6, using: &generator))"
        }
    }

    static func randomText(using generator: inout SeededGenerator) -> String {
        let pieces: [String] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "Молоко", "€", "😀", "𝄞", "\u{FEFF}", "\u{FFFF}", "sku"]
        return (0..<Int.random(in: 0..<8, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
    }
}
