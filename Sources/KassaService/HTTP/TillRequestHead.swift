import Glibc

/// The head of one HTTP/1.1 request as `TillWire` reads it off a connection's bytes: enough to
/// answer a till's request there (a quote, sale, return, void or card lookup), or to know how
/// many bytes make up any other request so that exactly those go to the full HTTP decoder.
///
/// It understands the plain requests tills send (HTTP/1.1, `Content-Length` or no body) and
/// calls everything else `unsupported`, so that the connection falls back to the full decoder,
/// which accepts or refuses it as it always did. It never has to be right about anything it
/// does not understand.
struct TillRequestHead: Equatable {
    /// Bytes of the request line and header fields, the blank line after them included.
    var headBytes = 0
    /// Bytes of the body (its `Content-Length`; 0 without one).
    var bodyBytes = 0
    /// A till's request with nothing that needs the full decoder; nil for any other request.
    var route: TillFastPath.Route?
    /// The card number in the path of a card lookup (`customer`).
    var card: String?
    /// The `Authorization` field's value.
    var authorization: String?
    /// The request asked for the connection to be closed after its answer.
    var closes = false

    /// What the start of a connection's unread bytes holds.
    enum Reading: Equatable {
        /// The head is not all there yet.
        case incomplete
        /// A request head this reader understands.
        case head(TillRequestHead)
        /// Something only the full decoder should judge: another HTTP version, a chunked or
        /// upgraded request, a malformed or oversized head.
        case unsupported
    }

    /// Reads the request head at the start of `bytes`; `headBytesMax` bounds how far it looks
    /// for the head's end.
    static func read(_ bytes: UnsafeRawBufferPointer, headBytesMax: Int) -> Reading {
        var head = TillRequestHead()
        var fields = Fields()
        var target: TillFastPath.Route?
        var card: Range<Int>?
        var lineStart = 0
        while true {
            let searched = min(bytes.count, headBytesMax)
            guard let newline = index(of: 0x0A, in: bytes, from: lineStart, to: searched) else {
                return bytes.count >= headBytesMax ? .unsupported : .incomplete
            }
            // Lines end in CR LF; a bare LF is left to the full decoder.
            guard newline > lineStart, bytes[newline - 1] == 0x0D else { return .unsupported }
            let line = lineStart..<(newline - 1)
            lineStart = newline + 1
            if line.lowerBound == 0 {
                guard let requested = requestLine(bytes, line) else { return .unsupported }
                (target, card) = requested
            } else if line.isEmpty {
                break
            } else if !fields.read(bytes, line, into: &head) {
                return .unsupported
            }
        }
        head.headBytes = lineStart
        head.route = fields.expects ? nil : target
        if head.route == .customer {
            // A lookup with a body is left to the decoder, which reads it as the router would.
            if head.bodyBytes > 0 {
                head.route = nil
            } else if let card {
                head.card = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[card]), as: UTF8.self)
            }
        }
        return .head(head)
    }

    /// The route of a request line, nil inside for any request other than a till's, and for a
    /// card lookup where its card number lies; nil when the line is not an HTTP/1.1 request
    /// line.
    private static func requestLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> (TillFastPath.Route?, Range<Int>?)? {
        guard let space = index(of: 0x20, in: bytes, from: line.lowerBound, to: line.upperBound),
              let secondSpace = index(of: 0x20, in: bytes, from: space + 1, to: line.upperBound),
              space > line.lowerBound, secondSpace > space + 1,
              equals(bytes, secondSpace + 1..<line.upperBound, "HTTP/1.1")
        else { return nil }
        // The path, without a query.
        var pathEnd = space + 1
        while pathEnd < secondSpace, bytes[pathEnd] != UInt8(ascii: "?") { pathEnd += 1 }
        let path = space + 1..<pathEnd
        if equals(bytes, line.lowerBound..<space, "GET") {
            let card = cardLookup(bytes, path)
            return (card == nil ? nil : .customer, card)
        }
        guard equals(bytes, line.lowerBound..<space, "POST") else { return (nil, nil) }
        for route in TillFastPath.Route.allCases where route.method == .post && equals(bytes, path, route.staticPath) {
            return (route, nil)
        }
        return (nil, nil)
    }

    /// Where the card number lies in a card lookup's path (`/v1/customers/{card}`). Only a plain
    /// one: letters, digits and hyphens, so that nothing the router would decode, split or
    /// match otherwise (an escape, another segment, a fragment) is read differently here.
    private static func cardLookup(_ bytes: UnsafeRawBufferPointer, _ path: Range<Int>) -> Range<Int>? {
        let prefix = TillFastPath.Route.customer.staticPath
        let cardStart = path.lowerBound + prefix.utf8CodeUnitCount
        guard cardStart < path.upperBound, equals(bytes, path.lowerBound..<cardStart, prefix) else { return nil }
        for position in cardStart..<path.upperBound {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "-"):
                continue
            default:
                return nil
            }
        }
        return cardStart..<path.upperBound
    }

    /// The header fields that decide how a request is read.
    private struct Fields {
        var sawLength = false
        var expects = false

        /// Reads one field line into `head`; false when only the full decoder should judge it.
        mutating func read(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, into head: inout TillRequestHead) -> Bool {
            guard let colon = TillRequestHead.index(of: UInt8(ascii: ":"), in: bytes, from: line.lowerBound, to: line.upperBound),
                  colon > line.lowerBound
            else { return false }
            let name = line.lowerBound..<colon
            // A field name is a token: no spaces (which would also mean a folded line).
            for position in name where !isTokenByte(bytes[position]) { return false }
            var valueStart = colon + 1, valueEnd = line.upperBound
            while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            let value = valueStart..<valueEnd
            switch name.count {
            case 6 where TillRequestHead.equalsIgnoringCase(bytes, name, "expect"):
                expects = true
            case 7 where TillRequestHead.equalsIgnoringCase(bytes, name, "upgrade"):
                return false
            case 10 where TillRequestHead.equalsIgnoringCase(bytes, name, "connection"):
                if TillRequestHead.containsToken(bytes, value, "upgrade") { return false }
                if TillRequestHead.containsToken(bytes, value, "close") { head.closes = true }
            case 13 where TillRequestHead.equalsIgnoringCase(bytes, name, "authorization"):
                head.authorization = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[value]), as: UTF8.self)
            case 14 where TillRequestHead.equalsIgnoringCase(bytes, name, "content-length"):
                guard !sawLength, !value.isEmpty, value.count <= 15 else { return false }
                var length = 0
                for position in value {
                    let digit = bytes[position] &- UInt8(ascii: "0")
                    guard digit < 10 else { return false }
                    length = length * 10 + Int(digit)
                }
                sawLength = true
                head.bodyBytes = length
            case 17 where TillRequestHead.equalsIgnoringCase(bytes, name, "transfer-encoding"):
                return false
            default:
                break
            }
            return true
        }

        /// Whether `byte` may appear in a field name (RFC 9110's tchar).
        private func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "!"), UInt8(ascii: "#")...UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"),
                 UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
    }

    /// Index of the first `byte` in `bytes[from..<to]`.
    private static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        guard from < to, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether `bytes[range]` is `text`.
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return memcmp(bytes.baseAddress! + range.lowerBound, expected.baseAddress!, range.count) == 0
    }

    /// Whether `bytes[range]` is `lowercase` in any case.
    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for offset in 0..<range.count {
            var byte = bytes[range.lowerBound + offset]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if byte != expected[offset] { return false }
        }
        return true
    }

    /// Whether the comma-separated list in `bytes[range]` names `lowercase`, in any case.
    private static func containsToken(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != UInt8(ascii: ",") { end += 1 }
            var from = start, to = end
            while from < to, bytes[from] == 0x20 || bytes[from] == 0x09 { from += 1 }
            while to > from, bytes[to - 1] == 0x20 || bytes[to - 1] == 0x09 { to -= 1 }
            if equalsIgnoringCase(bytes, from..<to, lowercase) { return true }
            start = end + 1
        }
        return false
    }
}
