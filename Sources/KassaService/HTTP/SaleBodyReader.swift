import Glibc
import KassaCore

/// Reads the sale and quote bodies tills send, straight from the bytes into a `Receipt`.
///
/// The general way, `JSONParser` into a tree and `Wire.sale` over it, cost about a fifth of the
/// server's CPU under a hypermarket's load, most of it building and searching the tree. This
/// reader takes only the plain shape tills send and every check accepts: the contract's keys,
/// once each; strings of printable ASCII without escapes; numbers without exponents; no nulls
/// and no `offline_pricing`. For anything else it gives nil and the caller reads the body the
/// general way, which also says exactly what is wrong, so no body is refused here and no body
/// is read differently: a receipt from here is the one `Wire.sale` makes of the same bytes
/// (`SaleBodyReaderTests` compares the two over valid, damaged and hostile bodies).
enum SaleBodyReader {
    /// The receipt in `bytes`, or nil when the body needs the general reader.
    /// `defaultID` stands in for a left-out `id`, as in `Wire.sale`.
    static func receipt(_ bytes: [UInt8], limits: Wire.Limits, defaultID: String?) -> Receipt? {
        read(bytes, limits: limits, defaultID: defaultID)?.receipt
    }

    /// A body read here, with what reading a body that extends it needs
    /// (`receipt(_:extending:)`).
    struct Read {
        let receipt: Receipt
        let bytes: [UInt8]
        /// Where the object's closing brace is in `bytes`.
        let close: Int
        /// Whether the body had an `id` of its own, and `payments`.
        let hadID: Bool
        let hadPayments: Bool
    }

    /// `receipt(bytes, limits: limits, defaultID: defaultID)`, with what reading a body that
    /// extends it needs.
    static func read(_ bytes: [UInt8], limits: Wire.Limits, defaultID: String?) -> Read? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Cursor(bytes: buffer)
            var seen: UInt16 = 0
            guard let receipt = reader.receipt(limits: limits, defaultID: defaultID, seen: &seen) else { return nil }
            return Read(receipt: receipt, bytes: bytes, close: reader.closeBrace, hadID: seen & 1 != 0,
                        hadPayments: seen & 1 << 7 != 0)
        }
    }

    /// The sale in `bytes` when they are `earlier`'s bytes up to its closing brace, then a
    /// `payments` member and the brace: a till's sale after its quote of the same basket.
    /// It is `earlier`'s receipt with those payments, the basket not read again, which is the
    /// receipt `receipt(bytes, …, defaultID: nil)` reads: the bytes before are the same and
    /// read the same way. Nil whenever it could differ: `earlier` had no `id` of its own (a
    /// quote's stands in for it, a sale's may not) or had payments already, or anything else
    /// follows. The caller then reads the body the usual way.
    static func receipt(_ bytes: [UInt8], extending earlier: Read) -> Receipt? {
        let close = earlier.close
        guard earlier.hadID, !earlier.hadPayments, bytes.count > close else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Receipt? in
            let same = earlier.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, buffer.baseAddress!, close) == 0 }
            guard same else { return nil }
            var reader = Cursor(bytes: buffer)
            reader.index = close
            guard let payments = reader.appendedPayments() else { return nil }
            var receipt = earlier.receipt
            receipt.payments = payments
            return receipt
        }
    }

    /// Whether a byte of `word` is a quote, a backslash, below 0x20 or above 0x7E (bit
    /// tricks for bytes in a word: a zero byte after XOR marks an equal one).
    @inline(__always)
    static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let quote = hasZero(word ^ (ones &* 0x22))
        let backslash = hasZero(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        let high = ((word &+ ones) | word) & highs != 0
        return quote || backslash || control || high
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        // MARK: The sale

        /// Where `receipt` found the object's closing brace.
        private(set) var closeBrace = 0

        /// The receipt; `seen` gets a bit for each key read (`saleKeys`' order).
        mutating func receipt(limits: Wire.Limits, defaultID: String?, seen: inout UInt16) -> Receipt? {
            var id: String?, store: String?, terminal: String?, cashier: String?, at: Timestamp?, customer: CardNumber?
            var lines: [ReceiptLine]?
            var payments: [Payment] = []
            seen = 0
            guard take(UInt8(ascii: "{")) else { return nil }
            if peek() == UInt8(ascii: "}") { return nil }
            repeat {
                // The key's place in `saleKeys`, which also gives its bit in `seen`.
                guard let key = key(Cursor.saleKeys) else { return nil }
                let bit = UInt16(1) << UInt16(key)
                switch key {
                case 0: // "id"
                    guard let text = identifier() else { return nil }
                    id = text
                case 1: // "store"
                    guard let text = identifier() else { return nil }
                    store = text
                case 2: // "terminal"
                    guard let text = identifier() else { return nil }
                    terminal = text
                case 3: // "cashier"
                    guard let text = identifier() else { return nil }
                    cashier = text
                case 4: // "at"
                    guard let text = string(), !text.isEmpty, text.utf8.count <= 64, let time = RFC3339.parse(text) else { return nil }
                    at = time
                case 5: // "customer"
                    guard let text = string(), text.utf8.count <= 32, let card = CardNumber(text) else { return nil }
                    customer = card
                case 6: // "lines"
                    guard let read = self.lines(max: limits.linesMax) else { return nil }
                    lines = read
                case 7: // "payments"
                    guard let read = self.payments() else { return nil }
                    payments = read
                default:
                    return nil
                }
                guard seen & bit == 0 else { return nil }
                seen |= bit
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
            closeBrace = index - 1
            guard atEnd() else { return nil }
            guard let store, let terminal, let cashier, let at, let lines, let id = id ?? defaultID else { return nil }
            return Receipt(id: id, store: store, terminal: terminal, cashier: cashier, at: at, customer: customer,
                           lines: lines, payments: payments, lanePricing: nil)
        }

        private mutating func lines(max: Int) -> [ReceiptLine]? {
            guard take(UInt8(ascii: "[")), peek() != UInt8(ascii: "]") else { return nil }
            var lines: [ReceiptLine] = []
            lines.reserveCapacity(32)
            repeat {
                guard lines.count < max, let line = line() else { return nil }
                lines.append(line)
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return nil }
            return lines
        }

        private mutating func line() -> ReceiptLine? {
            let start = index
            if let line = lineInTillOrder() { return line }
            index = start
            return lineInAnyOrder()
        }

        /// A line written as tills write it: `{"sku":…,"qty":…,"price":…,"category":…}`, no
        /// space between the members, no `name`. Its keys are compared as the literals they
        /// are, not read as strings and looked up, and its price is read in one pass; the other
        /// values are read and checked as `lineInAnyOrder` reads them. Any line this does not
        /// take gives nil and is read again from its start by `lineInAnyOrder`, so a line
        /// taken here is always the one `lineInAnyOrder` reads from the same bytes.
        private mutating func lineInTillOrder() -> ReceiptLine? {
            guard literal(#"{"sku":"#), let sku = self.sku(),
                  literal(#","qty":"#), let qty = quantity(), qty.thousandths > 0,
                  literal(#","price":"#), let price = plainWholeNumber(),
                  literal(#","category":"#), let category = string(), category.utf8.count <= 64,
                  index < bytes.count, bytes[index] == UInt8(ascii: "}")
            else { return nil }
            index += 1
            return ReceiptLine(sku: sku, qty: qty, price: price, category: category)
        }

        /// Takes `text` (4 to 16 bytes) when the bytes at the cursor are exactly it, no space
        /// skipped: two loads that overlap, compared with the same two of the text.
        @inline(__always)
        private mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            assert(count >= 4 && count <= 16, "a literal of 4 to 16 bytes")
            guard count <= bytes.count - index, let base = bytes.baseAddress else { return false }
            let here = UnsafeRawPointer(base + index), expected = UnsafeRawPointer(text.utf8Start)
            let same: Bool
            if count >= 8 {
                same = here.loadUnaligned(as: UInt64.self) == expected.loadUnaligned(as: UInt64.self)
                    && here.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == expected.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            } else {
                same = here.loadUnaligned(as: UInt32.self) == expected.loadUnaligned(as: UInt32.self)
                    && here.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == expected.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            }
            if same { index += count }
            return same
        }

        /// A whole number of at most 18 digits (so it cannot overflow), without a leading zero,
        /// followed by neither a fraction, an exponent nor another digit: what `wholeNumber`
        /// reads it as, read in one pass. Nil for anything else, which `wholeNumber` judges.
        @inline(__always)
        private mutating func plainWholeNumber() -> Int64? {
            var at = index
            let negative = at < bytes.count && bytes[at] == UInt8(ascii: "-")
            if negative { at += 1 }
            let first = at
            var magnitude: Int64 = 0
            while at < bytes.count {
                let digit = bytes[at] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                // A 19th digit could overflow: such a number is `wholeNumber`'s to judge.
                guard at - first < 18 else { return nil }
                magnitude = magnitude * 10 + Int64(digit)
                at += 1
            }
            let digits = at - first
            guard digits > 0, digits == 1 || bytes[first] != UInt8(ascii: "0"), at < bytes.count else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
            index = at
            return negative ? -magnitude : magnitude
        }

        private mutating func lineInAnyOrder() -> ReceiptLine? {
            var sku: SKU?, qty: Quantity?, price: Int64?, category: String?
            var seen: UInt8 = 0
            guard take(UInt8(ascii: "{")), peek() != UInt8(ascii: "}") else { return nil }
            repeat {
                guard let key = key(Cursor.lineKeys) else { return nil }
                let bit = UInt8(1) << UInt8(key)
                switch key {
                case 0: // "sku"
                    guard let code = self.sku() else { return nil }
                    sku = code
                case 1: // "qty"
                    guard let quantity = quantity(), quantity.thousandths > 0 else { return nil }
                    qty = quantity
                case 2: // "price"
                    guard let value = wholeNumber() else { return nil }
                    price = value
                case 3: // "category"
                    guard let text = string(), text.utf8.count <= 64 else { return nil }
                    category = text
                case 4: // "name"
                    // Accepted and not kept, as by the general reader; only a string is taken here.
                    guard skipString() else { return nil }
                default:
                    return nil
                }
                guard seen & bit == 0 else { return nil }
                seen |= bit
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), let sku, let qty, let price else { return nil }
            return ReceiptLine(sku: sku, qty: qty, price: price, category: category)
        }

        /// From just before an object's closing brace: `,"payments": […]` and the brace, as
        /// `receipt` reads a last member of that key, and nothing after.
        mutating func appendedPayments() -> [Payment]? {
            guard take(UInt8(ascii: ",")), key(Cursor.saleKeys) == 7, let payments = self.payments(),
                  take(UInt8(ascii: "}")), atEnd() else { return nil }
            return payments
        }

        private mutating func payments() -> [Payment]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var payments: [Payment] = []
            if take(UInt8(ascii: "]")) { return payments }
            repeat {
                guard payments.count < 20 else { return nil }
                var method: PaymentMethod?, amount: Int64?
                guard take(UInt8(ascii: "{")), peek() != UInt8(ascii: "}") else { return nil }
                repeat {
                    guard let key = key(Cursor.paymentKeys) else { return nil }
                    switch key {
                    case 0: // "method"
                        guard method == nil, let text = string(), !text.isEmpty, text.utf8.count <= 32,
                              let read = PaymentMethod(name: text) else { return nil }
                        method = read
                    case 1: // "amount"
                        guard amount == nil, let value = wholeNumber() else { return nil }
                        amount = value
                    default:
                        return nil
                    }
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")), let method, let amount else { return nil }
                payments.append(Payment(method: method, amount: amount))
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return nil }
            return payments
        }

        /// An id, store, terminal or cashier code as `Wire.identifier` takes it.
        private mutating func identifier() -> String? {
            guard let text = string(), Identifier.isValid(text) else { return nil }
            return text
        }

        /// A SKU as `JSONObject.sku` takes it: 1 to `SKU.lengthMax` letters, digits and
        /// `-._/`, valid as a code.
        private mutating func sku() -> SKU? {
            guard let range = stringRange(), !range.isEmpty, range.count <= SKU.lengthMax else { return nil }
            for i in range {
                let byte = bytes[i]
                guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                        || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x2F else { return nil }
            }
            return try? SKU(validating: text(range))
        }

        // MARK: Keys and numbers

        /// The keys the reader takes, each as the word its bytes make (`word(_:)`): every key
        /// of the contract's sale, line and payment is at most eight bytes, so a key is matched
        /// by comparing one word, without making a string of it.
        static let saleKeys = ["id", "store", "terminal", "cashier", "at", "customer", "lines", "payments"].map(word)
        static let lineKeys = ["sku", "qty", "price", "category", "name"].map(word)
        static let paymentKeys = ["method", "amount"].map(word)

        /// Up to eight bytes as one little-endian word; no key has a zero byte, so the word
        /// also says the length.
        static func word(_ key: String) -> UInt64 {
            precondition(key.utf8.count <= 8)
            var word: UInt64 = 0
            for (position, byte) in key.utf8.enumerated() { word |= UInt64(byte) << UInt64(position * 8) }
            return word
        }

        /// A member's key and its colon: the key's position in `table`, nil for any other key.
        private mutating func key(_ table: [UInt64]) -> Int? {
            guard let range = stringRange(), range.count <= 8, take(UInt8(ascii: ":")) else { return nil }
            var word: UInt64 = 0
            var shift: UInt64 = 0
            for index in range {
                word |= UInt64(bytes[index]) << shift
                shift += 8
            }
            return table.firstIndex(of: word)
        }

        /// A number written as a whole number, as `JSONNumber.wholeNumber` reads its literal:
        /// nil for a fraction and beyond Int64.
        private mutating func wholeNumber() -> Int64? {
            guard let range = numberRange() else { return nil }
            var index = range.lowerBound
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            var magnitude: UInt64 = 0
            while index < range.upperBound {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, carry) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow, !carry else { return nil }
                magnitude = sum
                index += 1
            }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return Int64(truncatingIfNeeded: 0 &- magnitude)
            }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return Int64(magnitude)
        }

        /// A number as a quantity, as `JSONNumber.quantity` reads its literal; the plain
        /// thousandths tills send are read from the bytes.
        private mutating func quantity() -> Quantity? {
            guard let range = numberRange() else { return nil }
            if let thousandths = JSONNumber.plainThousandths(utf8: UnsafeBufferPointer(rebasing: bytes[range])) {
                return Quantity(thousandths: thousandths)
            }
            return JSONNumber.quantity(text(range))
        }

        // MARK: Tokens

        private mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        /// Takes `byte` after any whitespace; false, taking nothing, when something else is next.
        private mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func peek() -> UInt8? {
            skipSpace()
            return index < bytes.count ? bytes[index] : nil
        }

        private mutating func atEnd() -> Bool {
            skipSpace()
            return index == bytes.count
        }

        /// The bytes inside a string of printable ASCII (0x20 to 0x7E) without escapes; nil for
        /// anything else, which only the general reader decodes.
        private mutating func stringRange() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            // Eight bytes at a time while none of them is a quote, a backslash or outside
            // printable ASCII; the word with one goes to the loop below, byte by byte.
            if let base = bytes.baseAddress {
                let raw = UnsafeRawPointer(base)
                while index + 8 <= bytes.count {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    guard !SaleBodyReader.hasSpecialByte(word) else { break }
                    index += 8
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                index += 1
            }
            return nil
        }

        private mutating func string() -> String? {
            stringRange().map { text($0) }
        }

        private mutating func skipString() -> Bool { stringRange() != nil }

        /// Where a number's literal lies: the grammar of RFC 8259 without an exponent, at most
        /// 20 digits on either side of the point (far inside a Double's range, which the general
        /// parser enforces).
        private mutating func numberRange() -> Range<Int>? {
            skipSpace()
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits(max: 20) > 0 else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(max: 20) > 0 else { return nil }
            }
            // An exponent or a digit after a leading zero is for the general reader.
            if index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."): return nil
                default: break
                }
            }
            return start..<index
        }

        private mutating func digits(max: Int) -> Int {
            var count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                count += 1
                index += 1
                if count > max { return 0 }
            }
            return count
        }

        private func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
    }
}
