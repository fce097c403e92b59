import KassaCore

/// Writes a JSON answer straight into bytes, with no tree of values in between.
///
/// Answers built as `[String: Any]` and written by walking them cost about a seventh of the
/// server's CPU in dynamic casts and bridging. Here a route writes its members in order:
///
///     writer.object { o in
///         o.field("amount", line.amount)
///         o.field("sku", line.sku)
///     }
///
/// Members must be written with their keys sorted by bytes, as every answer always was, so that
/// answers are byte-for-byte repeatable (the idempotent replay of a sale gives the bytes of its
/// first answer). Debug builds check the order on every key.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value or member follows another in its container and needs a comma.
    private var needsComma = false
    #if DEBUG
    /// The last key of each open object, innermost last, to check the order of keys.
    private var lastKeys: [[UInt8]] = []
    #endif

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: - Containers

    /// An object whose members `members` writes.
    mutating func object(_ members: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        #if DEBUG
        lastKeys.append([])
        #endif
        needsComma = false
        members(&self)
        #if DEBUG
        lastKeys.removeLast()
        #endif
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// An array whose elements `elements` writes.
    mutating func array(_ elements: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        elements(&self)
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An array with one element written by `element` for each of `items`.
    mutating func array<Items: Sequence>(_ items: Items, _ element: (inout JSONWriter, Items.Element) -> Void) {
        array { writer in
            for item in items { element(&writer, item) }
        }
    }

    /// An array of strings.
    mutating func array(_ texts: [String]) {
        array { writer in
            for text in texts { writer.value(text) }
        }
    }

    // MARK: - Keys

    /// The key of the next member; its value comes next.
    mutating func key(_ name: StaticString) {
        name.withUTF8Buffer { key in
            #if DEBUG
            checkOrder(Array(key))
            #endif
            separate()
            // The keys written in code are plain snake_case and need no escapes.
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: key)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key that is data (a dictionary's), escaped like any string.
    mutating func key(_ name: String) {
        #if DEBUG
        checkOrder(Array(name.utf8))
        #endif
        value(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    #if DEBUG
    private mutating func checkOrder(_ key: [UInt8]) {
        guard let previous = lastKeys.last else { return }
        assert(previous.isEmpty || previous.lexicographicallyPrecedes(key),
               "JSON keys out of order: '\(String(decoding: key, as: UTF8.self))' after '\(String(decoding: previous, as: UTF8.self))'")
        lastKeys[lastKeys.count - 1] = key
    }
    #endif

    // MARK: - Members

    mutating func field(_ name: StaticString, _ text: String) { key(name); value(text) }
    mutating func field(_ name: StaticString, _ number: Int64) { key(name); value(number) }
    mutating func field(_ name: StaticString, _ number: Int) { key(name); value(Int64(number)) }
    mutating func field(_ name: StaticString, _ number: Int32) { key(name); value(Int64(number)) }
    mutating func field(_ name: StaticString, _ number: UInt32) { key(name); value(Int64(number)) }
    mutating func field(_ name: StaticString, _ number: UInt64) { key(name); value(number) }
    mutating func field(_ name: StaticString, _ flag: Bool) { key(name); value(flag) }
    mutating func field(_ name: StaticString, _ quantity: Quantity) { key(name); value(quantity) }
    mutating func field(_ name: StaticString, _ texts: [String]) { key(name); array(texts) }

    /// A member whose value is an object.
    mutating func object(_ name: StaticString, _ members: (inout JSONWriter) -> Void) {
        key(name)
        object(members)
    }

    /// A member whose value is an array with one element for each of `items`.
    mutating func array<Items: Sequence>(_ name: StaticString, _ items: Items, _ element: (inout JSONWriter, Items.Element) -> Void) {
        key(name)
        array(items, element)
    }

    // MARK: - Values

    mutating func value(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var clean = 0
            for (index, byte) in utf8.enumerated() where Self.needsEscape(byte) {
                bytes.append(contentsOf: utf8[clean..<index])
                escape(byte)
                clean = index + 1
            }
            bytes.append(contentsOf: utf8[clean...])
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func value(_ number: Int64) {
        separate()
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(number.magnitude)
        needsComma = true
    }

    mutating func value(_ number: UInt64) {
        separate()
        digits(number)
        needsComma = true
    }

    mutating func value(_ flag: Bool) {
        separate()
        if flag {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
        needsComma = true
    }

    /// A quantity as the contract writes it: whole pieces as an integer (`2`), otherwise the
    /// shortest decimal with up to three places (`0.755`, `1.5`).
    mutating func value(_ quantity: Quantity) {
        if quantity.isWhole {
            value(quantity.thousandths / 1000)
        } else {
            number(quantity.description)
        }
    }

    /// A number whose JSON text is `literal` (already valid JSON number text).
    mutating func number(_ literal: String) {
        separate()
        bytes.append(contentsOf: literal.utf8)
        needsComma = true
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
        needsComma = true
    }

    /// A parsed value, with the members of its objects sorted by their keys' bytes.
    mutating func value(_ json: JSONValue) {
        switch json {
        case .null: null()
        case .bool(let flag): value(flag)
        case .number(let literal): number(literal)
        case .string(let text): value(text)
        case .array(let items): array(items) { writer, item in writer.value(item) }
        case .object(let members):
            object { writer in
                for member in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    writer.key(member.key)
                    writer.value(member.value)
                }
            }
        }
    }

    // MARK: - Bytes

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func digits(_ number: UInt64) {
        var count = 1
        var probe = number
        while probe >= 10 {
            probe /= 10
            count += 1
        }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var rest = number
        var position = bytes.count - 1
        while rest > 0 {
            bytes[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            position -= 1
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    /// The escapes the answers always used: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00XX` for the
    /// other control characters and DEL.
    private mutating func escape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            hex.withUTF8Buffer { digits in
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digits[Int(byte >> 4)], digits[Int(byte & 15)]])
            }
        }
    }
}
