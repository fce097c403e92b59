import NIOCore

/// The parts of an answer's head the tool acts on: the status, how the body is framed, and
/// whether the server closes the connection after it. Other header fields are read past.
struct HTTPAnswerHead {
    enum Framing: Equatable {
        case length(Int)
        case chunked
        case untilClose
    }

    var status: Int
    var framing: Framing
    var closes: Bool

    /// Parses a head: the status line and the header lines, up to and with the blank line.
    init(_ head: ByteBuffer) throws(HTTPAnswerError) {
        let parsed = head.withUnsafeReadableBytes { bytes in
            Result { () throws(HTTPAnswerError) in try Self.parse(bytes) }
        }
        self = try parsed.get()
    }

    private init(status: Int, framing: Framing, closes: Bool) {
        self.status = status
        self.framing = framing
        self.closes = closes
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) throws(HTTPAnswerError) -> HTTPAnswerHead {
        // "HTTP/1.1 200 OK": the version, a space, three digits, then a space or the line's end.
        guard bytes.count >= 14, bytes.starts(with: "HTTP/1.".utf8), bytes[7] == UInt8(ascii: "0") || bytes[7] == UInt8(ascii: "1"),
              bytes[8] == UInt8(ascii: " "), isDigit(bytes[9]), isDigit(bytes[10]), isDigit(bytes[11]),
              bytes[12] == UInt8(ascii: " ") || bytes[12] == 0x0D
        else {
            throw HTTPAnswerError(description: "the answer does not start with an HTTP/1.x status line: \(printable(bytes.prefix(60)))")
        }
        let status = Int(bytes[9] - 0x30) * 100 + Int(bytes[10] - 0x30) * 10 + Int(bytes[11] - 0x30)
        var length: Int?
        var chunked = false
        // HTTP/1.0 closes unless asked to keep the connection.
        var closes = bytes[7] == UInt8(ascii: "0")
        var lineStart = try lineEnd(bytes, from: 12) + 2
        while true {
            let end = try lineEnd(bytes, from: lineStart)
            if end == lineStart { break }
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<end])
            lineStart = end + 2
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw HTTPAnswerError(description: "a header line of the answer has no name: \(printable(line))")
            }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            let value = trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
            if equalsIgnoringCase(name, "content-length") {
                guard !value.isEmpty, value.count <= 18, value.allSatisfy(isDigit) else {
                    throw HTTPAnswerError(description: "the answer's Content-Length is not a number: \(printable(value))")
                }
                let parsed = value.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if let length, length != parsed {
                    throw HTTPAnswerError(description: "the answer has two different Content-Length fields: \(length) and \(parsed)")
                }
                guard parsed <= HTTPAnswerParser.bodyBytesMax else {
                    throw HTTPAnswerError(description: "the answer's body is longer than \(HTTPAnswerParser.bodyBytesMax) bytes: \(parsed)")
                }
                length = parsed
            } else if equalsIgnoringCase(name, "transfer-encoding") {
                // Chunked alone, the one coding every HTTP/1.1 client must read: the tool asks
                // for no compression, and an answer compressed anyway would be misread.
                guard equalsIgnoringCase(value, "chunked") else {
                    throw HTTPAnswerError(description: "the answer's Transfer-Encoding is not chunked: \(printable(value))")
                }
                chunked = true
            } else if equalsIgnoringCase(name, "connection") {
                for token in value.split(separator: UInt8(ascii: ",")) {
                    let token = trimmed(UnsafeRawBufferPointer(rebasing: token))
                    if equalsIgnoringCase(token, "close") { closes = true }
                    if equalsIgnoringCase(token, "keep-alive") { closes = false }
                }
            }
        }
        // Transfer-Encoding overrides Content-Length (RFC 9112, 6.3).
        let framing: Framing = chunked ? .chunked : length.map { .length($0) } ?? .untilClose
        return HTTPAnswerHead(status: status, framing: framing, closes: closes || framing == .untilClose)
    }

    /// The index of the CRLF that ends the line starting at `from`.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from: Int) throws(HTTPAnswerError) -> Int {
        var index = from
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D {
                guard bytes[index + 1] == 0x0A else { throw HTTPAnswerError(description: "a line of the answer's head has CR without LF") }
                return index
            }
            if bytes[index] == 0x0A { throw HTTPAnswerError(description: "a line of the answer's head ends in LF without CR") }
            index += 1
        }
        throw HTTPAnswerError(description: "the answer's head does not end in a blank line")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The bytes without the spaces and tabs around them.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Whether the bytes spell `lowercase` in ASCII letters of either case.
    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, wanted in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == wanted
            }
        }
    }

    /// Bytes of an answer for an error message: ASCII as it is, anything else as a dot.
    static func printable<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes.prefix(120).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    }
}
