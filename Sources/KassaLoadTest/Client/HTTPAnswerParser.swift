import NIOCore

/// An answer that is not HTTP/1.1 as the tool reads it, with what was wrong.
struct HTTPAnswerError: Error, CustomStringConvertible {
    var description: String
}

/// Reads HTTP/1.1 answers from the bytes a connection receives, as they arrive: a head, then a
/// body framed by Content-Length, by chunks, or by the end of the connection. Kassa's answers
/// are small and well formed, and NIO's general decoder (llhttp, header objects, a message per
/// part) cost the tool more CPU than this; anything else is read correctly or refused with the
/// reason.
///
/// `next` is called with everything received and not yet consumed; it consumes an answer only
/// once the answer is complete, except chunked bodies, which it consumes chunk by chunk.
struct HTTPAnswerParser {
    /// A head longer than this is refused: Kassa's are a few hundred bytes.
    static let headBytesMax = 16 * 1024
    /// A body longer than this is refused: the largest Kassa answer (the stats) is a few KB.
    static let bodyBytesMax = 64 * 1024 * 1024

    /// A complete answer, and whether the server closes the connection after it.
    struct Parsed {
        var answer: HTTPAnswer
        var closes: Bool
    }

    private enum State {
        /// Waiting for a whole head; `searched` bytes are known to hold no blank line.
        case head(searched: Int)
        case sized(status: Int, length: Int, closes: Bool)
        /// Waiting for a chunk's size line.
        case chunkSize(status: Int, body: ByteBuffer, closes: Bool)
        case chunkData(status: Int, body: ByteBuffer, remaining: Int, closes: Bool)
        /// Waiting for the CRLF after a chunk's data.
        case chunkEnd(status: Int, body: ByteBuffer, closes: Bool)
        /// After the last chunk: trailer lines up to a blank one.
        case trailers(status: Int, body: ByteBuffer, closes: Bool)
        /// No framing: the body is everything up to the end of the connection.
        case untilClose(status: Int)
    }

    private var state = State.head(searched: 0)

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// The next complete answer in `buffer`, consuming it; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws(HTTPAnswerError) -> Parsed? {
        while true {
            switch state {
            case .head(let searched):
                guard let end = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer, from: max(0, searched - 3)) else {
                    guard buffer.readableBytes <= Self.headBytesMax else {
                        throw HTTPAnswerError(description: "the answer's head is longer than \(Self.headBytesMax) bytes")
                    }
                    state = .head(searched: buffer.readableBytes)
                    return nil
                }
                guard end + 4 <= Self.headBytesMax else {
                    throw HTTPAnswerError(description: "the answer's head is longer than \(Self.headBytesMax) bytes")
                }
                guard let head = buffer.readSlice(length: end + 4) else { return nil }
                state = .head(searched: 0)
                let parsed = try HTTPAnswerHead(head)
                // An interim answer (100 Continue) is followed by the real one.
                if (100..<200).contains(parsed.status) { continue }
                if parsed.status == 204 || parsed.status == 304 {
                    return Parsed(answer: HTTPAnswer(status: parsed.status, body: ByteBuffer()), closes: parsed.closes)
                }
                switch parsed.framing {
                case .chunked: state = .chunkSize(status: parsed.status, body: ByteBuffer(), closes: parsed.closes)
                case .length(let length): state = .sized(status: parsed.status, length: length, closes: parsed.closes)
                case .untilClose: state = .untilClose(status: parsed.status)
                }
            case .sized(let status, let length, let closes):
                guard let body = buffer.readSlice(length: length) else { return nil }
                state = .head(searched: 0)
                return Parsed(answer: HTTPAnswer(status: status, body: body), closes: closes)
            case .chunkSize(let status, let body, let closes):
                guard let end = Self.find(Self.crlf, in: buffer, from: 0) else {
                    guard buffer.readableBytes <= 1024 else { throw HTTPAnswerError(description: "a chunk's size line is longer than 1024 bytes") }
                    return nil
                }
                guard let line = buffer.readSlice(length: end + 2) else { return nil }
                let size = try Self.chunkSize(line.readableBytesView.dropLast(2))
                guard body.readableBytes + size <= Self.bodyBytesMax else {
                    throw HTTPAnswerError(description: "the answer's body is longer than \(Self.bodyBytesMax) bytes")
                }
                state = size == 0 ? .trailers(status: status, body: body, closes: closes)
                    : .chunkData(status: status, body: body, remaining: size, closes: closes)
            case .chunkData(let status, var body, let remaining, let closes):
                let count = min(remaining, buffer.readableBytes)
                guard count > 0, var part = buffer.readSlice(length: count) else { return nil }
                body.writeBuffer(&part)
                state = count == remaining ? .chunkEnd(status: status, body: body, closes: closes)
                    : .chunkData(status: status, body: body, remaining: remaining - count, closes: closes)
            case .chunkEnd(let status, let body, let closes):
                guard let bytes = buffer.readBytes(length: 2) else { return nil }
                guard bytes == Self.crlf else { throw HTTPAnswerError(description: "a chunk's data is not followed by CRLF") }
                state = .chunkSize(status: status, body: body, closes: closes)
            case .trailers(let status, let body, let closes):
                guard let end = Self.find(Self.crlf, in: buffer, from: 0) else {
                    guard buffer.readableBytes <= Self.headBytesMax else { throw HTTPAnswerError(description: "the answer's trailers are too long") }
                    return nil
                }
                buffer.moveReaderIndex(forwardBy: end + 2)
                // Trailer fields are read past; the blank line ends the answer.
                guard end == 0 else { continue }
                state = .head(searched: 0)
                return Parsed(answer: HTTPAnswer(status: status, body: body), closes: closes)
            case .untilClose:
                return nil
            }
        }
    }

    /// The connection ended: the answer whose body runs to the end is complete (with all of
    /// `buffer`); any other unfinished answer is cut short, which is an error.
    mutating func end(_ buffer: inout ByteBuffer) throws(HTTPAnswerError) -> Parsed? {
        switch state {
        case .untilClose(let status):
            guard buffer.readableBytes <= Self.bodyBytesMax else {
                throw HTTPAnswerError(description: "the answer's body is longer than \(Self.bodyBytesMax) bytes")
            }
            let body = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
            state = .head(searched: 0)
            return Parsed(answer: HTTPAnswer(status: status, body: body), closes: true)
        case .head:
            guard buffer.readableBytes == 0 else { throw HTTPAnswerError(description: "the connection closed within an answer's head") }
            return nil
        case .sized, .chunkSize, .chunkData, .chunkEnd, .trailers:
            throw HTTPAnswerError(description: "the connection closed within an answer's body")
        }
    }

    /// Where `pattern` first starts in the readable bytes at or after `from`, relative to the reader index.
    static func find(_ pattern: [UInt8], in buffer: ByteBuffer, from: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= pattern.count, from <= bytes.count - pattern.count else { return nil }
            var index = from
            let last = bytes.count - pattern.count
            while index <= last {
                if bytes[index] == pattern[0] {
                    var matched = 1
                    while matched < pattern.count, bytes[index + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return index }
                }
                index += 1
            }
            return nil
        }
    }

    /// A chunk's size in hex; extensions after a semicolon are ignored.
    static func chunkSize(_ line: ByteBufferView) throws(HTTPAnswerError) -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                guard digits > 0 else { throw HTTPAnswerError(description: "a chunk's size line has no size") }
                return size
            default:
                throw HTTPAnswerError(description: "a chunk's size is not hexadecimal: \(HTTPAnswerHead.printable(line))")
            }
            digits += 1
            guard digits <= 8 else { throw HTTPAnswerError(description: "a chunk's size is longer than 8 hex digits") }
            size = size * 16 + value
        }
        guard digits > 0 else { throw HTTPAnswerError(description: "a chunk's size line has no size") }
        return size
    }
}
