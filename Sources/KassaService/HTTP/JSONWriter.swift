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
///
/// The bytes go into one growing buffer through pointers, not appends to an array (each of
/// which checked uniqueness and capacity): a quote's answer is some 300 members. A writer shares
/// its buffer with its copies, so it is written through one variable (`inout`), as every route
/// does, and read once at the end.
struct JSONWriter {
    /// The buffer the answer grows in.
    private final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = Swift.max(capacity, 64)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }

        /// Room for `extra` more bytes.
        @inline(__always)
        func reserve(_ extra: Int) {
            if count + extra > capacity { grow(count + extra) }
        }

        private func grow(_ needed: Int) {
            var size = capacity * 2
            while size < needed { size *= 2 }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            larger.update(from: base, count: count)
            base.deallocate()
            base = larger
            capacity = size
        }

        @inline(__always)
        func put(_ byte: UInt8) {
            reserve(1)
            base[count] = byte
            count += 1
        }

        @inline(__always)
        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress, bytes.count > 0 else { return }
            reserve(bytes.count)
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }
    }

    private let storage: Storage
    /// The answer so far.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }
    /// Whether the next value or member follows another in its container and needs a comma.
    private var needsComma = false
    #if DEBUG
    /// The last key of each open object, innermost last, to check the order of keys.
    private var lastKeys: [[UInt8]] = []
    #endif

    init(capacity: Int = 1024) {
        storage = Storage(capacity: capacity)
    }

    // MARK: - Containers

    /// An object whose members `members` writes.
    mutating func object(_ members: (inout JSONWriter) -> Void) {
        separate()
        storage.put(UInt8(ascii: "{"))
        #if DEBUG
        lastKeys.append([])
        #endif
        needsComma = false
        members(&self)
        #if DEBUG
        lastKeys.removeLast()
        #endif
        storage.put(UInt8(ascii: "}"))
        needsComma = true
    }

    /// An array whose elements `elements` writes.
    mutating func array(_ elements: (inout JSONWriter) -> Void) {
        separate()
        storage.put(UInt8(ascii: "["))
        needsComma = false
        elements(&self)
        storage.put(UInt8(ascii: "]"))
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
        #if DEBUG
        name.withUTF8Buffer { checkOrder(Array($0)) }
        #endif
        // The keys written in code are plain snake_case and need no escapes. A key is written
        // on every member of every answer: one check for room, then its bytes in place.
        let count = name.utf8CodeUnitCount
        storage.reserve(count + 4)
        var at = storage.base + storage.count
        if needsComma {
            at.pointee = UInt8(ascii: ",")
            at += 1
        }
        at.pointee = UInt8(ascii: "\"")
        at += 1
        if name.hasPointerRepresentation {
            at.update(from: name.utf8Start, count: count)
        } else {
            name.withUTF8Buffer { at.update(from: $0.baseAddress!, count: $0.count) }
        }
        at += count
        at[0] = UInt8(ascii: "\"")
        at[1] = UInt8(ascii: ":")
        storage.count = at + 2 - storage.base
        needsComma = false
    }

    /// A key that is data (a dictionary's), escaped like any string.
    mutating func key(_ name: String) {
        #if DEBUG
        checkOrder(Array(name.utf8))
        #endif
        value(name)
        storage.put(UInt8(ascii: ":"))
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
    mutating func field(_ name: StaticString, _ time: Timestamp) { key(name); value(time) }
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
        var text = text
        text.withUTF8 { utf8 in
            // Answers' strings are short (SKUs, categories, rule ids) and seldom need escapes:
            // room for them as they are, then one pass that copies and checks each byte.
            storage.reserve(utf8.count + 3)
            separateInRoom()
            var at = storage.base + storage.count
            at.pointee = UInt8(ascii: "\"")
            at += 1
            for index in 0..<utf8.count {
                let byte = utf8[index]
                if Self.needsEscape(byte) {
                    storage.count = at - storage.base
                    escaped(UnsafeBufferPointer(rebasing: utf8[index...]))
                    return
                }
                at.pointee = byte
                at += 1
            }
            at.pointee = UInt8(ascii: "\"")
            storage.count = at + 1 - storage.base
        }
        needsComma = true
    }

    /// The rest of a string from its first byte that needs an escape, and the closing quote.
    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var clean = 0
        for index in 0..<utf8.count where Self.needsEscape(utf8[index]) {
            storage.put(UnsafeBufferPointer(rebasing: utf8[clean..<index]))
            escape(utf8[index])
            clean = index + 1
        }
        storage.put(UnsafeBufferPointer(rebasing: utf8[clean...]))
        storage.put(UInt8(ascii: "\""))
    }

    mutating func value(_ number: Int64) {
        // A comma, a sign and 20 digits at most.
        storage.reserve(22)
        separateInRoom()
        if number < 0 {
            storage.base[storage.count] = UInt8(ascii: "-")
            storage.count += 1
        }
        digits(number.magnitude)
        needsComma = true
    }

    mutating func value(_ number: UInt64) {
        storage.reserve(21)
        separateInRoom()
        digits(number)
        needsComma = true
    }

    mutating func value(_ flag: Bool) {
        separate()
        let text: StaticString = flag ? "true" : "false"
        text.withUTF8Buffer { storage.put($0) }
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

    /// A timestamp as the string `Timestamp.description` makes of it (RFC 3339 with its own
    /// offset, milliseconds when not zero), written digit by digit: every sale's answer has
    /// one, and making the string took about a quarter of writing the rest of the sale.
    mutating func value(_ time: Timestamp) {
        let local = time.epochMilliseconds + Int64(time.offsetMinutes) * 60_000
        let date = time.localDate
        let offset = abs(Int(time.offsetMinutes))
        // Four-digit years and offsets under 100 hours, as every clock gives; anything else
        // is written from the string.
        guard date.year >= 0, date.year <= 9999, offset / 60 < 100 else { return value(time.description) }
        var millisOfDay = Int(local % 86_400_000)
        if millisOfDay < 0 { millisOfDay += 86_400_000 }
        let seconds = millisOfDay / 1000, millis = millisOfDay % 1000
        reserved(32) { c in
            c.byte(UInt8(ascii: "\""))
            c.digits(date.year, width: 4)
            c.byte(UInt8(ascii: "-"))
            c.digits(date.month, width: 2)
            c.byte(UInt8(ascii: "-"))
            c.digits(date.day, width: 2)
            c.byte(UInt8(ascii: "T"))
            c.digits(seconds / 3600, width: 2)
            c.byte(UInt8(ascii: ":"))
            c.digits(seconds / 60 % 60, width: 2)
            c.byte(UInt8(ascii: ":"))
            c.digits(seconds % 60, width: 2)
            if millis != 0 {
                c.byte(UInt8(ascii: "."))
                c.digits(millis, width: 3)
            }
            if time.offsetMinutes == 0 {
                c.byte(UInt8(ascii: "Z"))
            } else {
                c.byte(time.offsetMinutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                c.digits(offset / 60, width: 2)
                c.byte(UInt8(ascii: ":"))
                c.digits(offset % 60, width: 2)
            }
            c.byte(UInt8(ascii: "\""))
        }
    }

    /// A number whose JSON text is `literal` (already valid JSON number text).
    mutating func number(_ literal: String) {
        separate()
        var literal = literal
        literal.withUTF8 { storage.put($0) }
        needsComma = true
    }

    mutating func null() {
        separate()
        let text: StaticString = "null"
        text.withUTF8Buffer { storage.put($0) }
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

    // MARK: - Members written in reserved room

    /// Writes straight into room reserved beforehand (`reserved(_:_:)`), with no check for room
    /// per byte or per member: for the members of every line of a quote or a sale, some 300 a
    /// quote. The caller writes the keys itself, in sorted order, and bounds what it writes.
    struct Cursor {
        fileprivate(set) var at: UnsafeMutablePointer<UInt8>

        /// Most bytes `string(text)` writes: every byte escaped as `\u00XX`, and the quotes.
        static func stringBound(_ text: String) -> Int { 6 * text.utf8.count + 2 }
        /// Most bytes `number` or `quantity` writes (a sign, 19 digits, a point).
        static let numberBound = 24

        /// A key, colon or bracket: bytes needing no escape.
        @inline(__always)
        mutating func literal(_ text: StaticString) {
            assert(text.hasPointerRepresentation, "a literal of one character: use byte(_:)")
            at.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            at += text.utf8CodeUnitCount
        }

        @inline(__always)
        mutating func byte(_ byte: UInt8) {
            at.pointee = byte
            at += 1
        }

        /// `value` (0 ≤ value < 10^width) in exactly `width` digits, zeros in front.
        mutating func digits(_ value: Int, width: Int) {
            var rest = value
            for position in stride(from: width - 1, through: 0, by: -1) {
                at[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            at += width
        }

        mutating func number(_ number: Int64) {
            if number < 0 { byte(UInt8(ascii: "-")) }
            at += JSONWriter.writeDigits(number.magnitude, to: at)
        }

        /// As `JSONWriter.value(_: Quantity)` writes it.
        mutating func quantity(_ quantity: Quantity) {
            if quantity.isWhole { return number(quantity.thousandths / 1000) }
            var text = quantity.description
            text.withUTF8 { utf8 in
                at.update(from: utf8.baseAddress!, count: utf8.count)
                at += utf8.count
            }
        }

        /// A string, quoted and escaped as `JSONWriter.value(_: String)` writes it.
        mutating func string(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                var at = self.at
                at.pointee = UInt8(ascii: "\"")
                at += 1
                for index in 0..<utf8.count {
                    let byte = utf8[index]
                    if JSONWriter.needsEscape(byte) {
                        at += JSONWriter.writeEscape(byte, to: at)
                    } else {
                        at.pointee = byte
                        at += 1
                    }
                }
                at.pointee = UInt8(ascii: "\"")
                self.at = at + 1
            }
        }
    }

    /// A value written by `body` through a cursor, in `bound` bytes reserved for it.
    mutating func reserved(_ bound: Int, _ body: (inout Cursor) -> Void) {
        storage.reserve(bound + 1)
        separateInRoom()
        let start = storage.base + storage.count
        var cursor = Cursor(at: start)
        body(&cursor)
        precondition(cursor.at - start <= bound, "an answer wrote \(cursor.at - start) bytes in \(bound) reserved")
        storage.count = cursor.at - storage.base
        needsComma = true
    }

    // MARK: - Bytes

    private mutating func separate() {
        if needsComma { storage.put(UInt8(ascii: ",")) }
    }

    /// `separate()` in room already reserved.
    @inline(__always)
    private mutating func separateInRoom() {
        guard needsComma else { return }
        storage.base[storage.count] = UInt8(ascii: ",")
        storage.count += 1
    }

    /// The decimal digits of `number`, in room the caller reserved (20 bytes).
    private mutating func digits(_ number: UInt64) {
        storage.count += JSONWriter.writeDigits(number, to: storage.base + storage.count)
    }

    /// The two digits of 0 to 99, each at twice its value.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Writes the decimal digits of `number` at `at` (room for 20); returns how many. Digits
    /// are counted by comparing, not dividing, and written two at a time from a table: an
    /// answer has some 120 numbers, four on each line of a quote or a sale.
    @inline(__always)
    static func writeDigits(_ number: UInt64, to at: UnsafeMutablePointer<UInt8>) -> Int {
        var count = 1
        var threshold: UInt64 = 10
        while count < 20, number >= threshold {
            count += 1
            threshold &*= 10
        }
        let pairs = digitPairs.utf8Start
        var rest = number
        var position = at + count
        while rest >= 100 {
            let pair = Int(rest % 100) * 2
            rest /= 100
            position -= 2
            position[0] = pairs[pair]
            position[1] = pairs[pair + 1]
        }
        if rest >= 10 {
            let pair = Int(rest) * 2
            position[-2] = pairs[pair]
            position[-1] = pairs[pair + 1]
        } else {
            position[-1] = UInt8(ascii: "0") + UInt8(rest)
        }
        return count
    }

    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    /// The escapes the answers always used: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00XX` for the
    /// other control characters and DEL.
    private mutating func escape(_ byte: UInt8) {
        storage.reserve(6)
        storage.count += JSONWriter.writeEscape(byte, to: storage.base + storage.count)
    }

    /// Writes the escape of `byte` at `at` (room for 6); returns how many bytes.
    static func writeEscape(_ byte: UInt8, to at: UnsafeMutablePointer<UInt8>) -> Int {
        at[0] = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            at[1] = byte
            return 2
        case 0x0A:
            at[1] = UInt8(ascii: "n")
            return 2
        case 0x0D:
            at[1] = UInt8(ascii: "r")
            return 2
        case 0x09:
            at[1] = UInt8(ascii: "t")
            return 2
        default:
            let hex: StaticString = "0123456789abcdef"
            at[1] = UInt8(ascii: "u")
            at[2] = UInt8(ascii: "0")
            at[3] = UInt8(ascii: "0")
            at[4] = hex.utf8Start[Int(byte >> 4)]
            at[5] = hex.utf8Start[Int(byte & 15)]
            return 6
        }
    }
}
