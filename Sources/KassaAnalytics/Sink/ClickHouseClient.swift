import Foundation
import Glibc

/// Why a request to ClickHouse failed, with a message a person can act on; `code` says whether
/// the request may have reached the server (see `mayHaveApplied`).
public struct ClickHouseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure; more kinds may come.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case invalidURL, connect, timeout, io, protocolViolation, server }
        private let base: Base

        /// The URL is not `http://host[:port][/]`.
        public static let invalidURL = Code(base: .invalidURL)
        /// No connection could be made (name unknown, refused, unreachable).
        public static let connect = Code(base: .connect)
        /// The server did not answer in time.
        public static let timeout = Code(base: .timeout)
        /// The connection broke while sending or receiving.
        public static let io = Code(base: .io)
        /// The answer was not HTTP as expected, or larger than the client accepts.
        public static let protocolViolation = Code(base: .protocolViolation)
        /// ClickHouse answered with an error (its text is the message).
        public static let server = Code(base: .server)

        /// The kind in words.
        public var description: String {
            switch base {
            case .invalidURL: "invalid URL"
            case .connect: "cannot connect"
            case .timeout: "timed out"
            case .io: "connection broken"
            case .protocolViolation: "bad answer"
            case .server: "ClickHouse error"
            }
        }
    }

    /// The kind.
    public var code: Code
    /// What happened, with ClickHouse's own error text for `.server`.
    public var message: String
    /// The HTTP status for `.server`, else nil.
    public var status: Int?

    /// An error of `code`.
    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// Whether the server may have received and applied the request (a timeout or a broken
    /// connection after the request was sent): the caller must find out before repeating it.
    public var mayHaveApplied: Bool { code == .timeout || code == .io || code == .protocolViolation }

    /// The kind and the message.
    public var description: String { "\(code): \(message)" }
}

/// A blocking HTTP/1.1 client for ClickHouse's HTTP interface: one connection per request
/// (`Connection: close`), a deadline on the whole exchange, the answer's size bounded.
///
/// It is small on purpose: the sink sends a few large INSERTs and a few one-value SELECTs, so
/// connection reuse would not pay for its states, and a plain socket keeps the failure modes
/// (refused, timed out, broken, ClickHouse's error text) explicit.
public struct ClickHouseClient: Sendable {
    /// Host name or address from the URL.
    public let host: String
    /// The HTTP port (8123 when the URL names none).
    public let port: UInt16
    /// The whole request, connecting included, must finish within this.
    public let timeoutMilliseconds: Int
    /// `Authorization: Basic …` from the URL's user and password, if it has them.
    private let authorization: String?
    /// The largest answer accepted: the sink only reads errors and single values.
    static let answerBytesMax = 4 << 20

    /// A client for `url` (`http://[user[:password]@]host[:port][/]`); throws `.invalidURL` for anything else.
    public init(url: String, timeoutMilliseconds: Int = 30_000) throws(ClickHouseError) {
        guard let parts = URLComponents(string: url), parts.scheme?.lowercased() == "http",
              let host = parts.host, !host.isEmpty
        else {
            throw ClickHouseError(.invalidURL, "'\(url)' is not an http://host:port URL of ClickHouse's HTTP interface")
        }
        guard parts.path.isEmpty || parts.path == "/", parts.query == nil else {
            throw ClickHouseError(.invalidURL, "'\(url)' has a path or query; give only http://host:port (the database is configured apart)")
        }
        let port = parts.port ?? 8123
        guard let port16 = UInt16(exactly: port), port16 > 0 else {
            throw ClickHouseError(.invalidURL, "'\(url)' has port \(port) out of range")
        }
        precondition(timeoutMilliseconds > 0, "a request without a deadline could hang the sink forever")
        // URLComponents keeps the brackets of an IPv6 literal; getaddrinfo wants the address alone.
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port16
        self.timeoutMilliseconds = timeoutMilliseconds
        if let user = parts.user {
            let credentials = "\(user):\(parts.password ?? "")"
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            authorization = nil
        }
    }

    /// Runs `sql` (DDL, or a SELECT whose result is small) and returns the answer's body.
    @discardableResult
    public func execute(_ sql: String, queryID: String? = nil) throws(ClickHouseError) -> String {
        let body = try post(parameters: queryID.map { [("query_id", $0)] } ?? [], body: Array(sql.utf8))
        return String(decoding: body, as: UTF8.self)
    }

    /// Inserts `rows` (JSON objects, one a line) into `table` with `INSERT … FORMAT JSONEachRow`.
    /// `settings` go into the URL (e.g. `max_insert_block_size`), `queryID` names the query so
    /// that the caller can see in `system.processes` whether it still runs.
    public func insert(into table: String, rows: [UInt8], queryID: String, settings: [(String, String)] = []) throws(ClickHouseError) {
        let parameters = [("query", "INSERT INTO \(table) FORMAT JSONEachRow"), ("query_id", queryID)] + settings
        let answer = try post(parameters: parameters, body: rows)
        // An INSERT answers an empty body; an exception after the headers went out arrives in it.
        let text = String(decoding: answer, as: UTF8.self)
        if text.contains("DB::Exception") {
            throw ClickHouseError(.server, text.trimmingCharacters(in: .whitespacesAndNewlines), status: 200)
        }
    }

    /// `GET /ping`: whether the server answers at all.
    public func ping() throws(ClickHouseError) {
        let answer = try exchange(request: requestHead(method: "GET", target: "/ping", bodyBytes: 0), body: [])
        guard answer.status == 200 else { throw serverError(answer) }
    }

    // MARK: - HTTP

    private func post(parameters: [(String, String)], body: [UInt8]) throws(ClickHouseError) -> [UInt8] {
        var target = "/"
        if !parameters.isEmpty {
            var query = URLComponents()
            query.queryItems = parameters.map { URLQueryItem(name: $0.0, value: $0.1) }
            // URLComponents leaves '+' alone, which a server reads as a space.
            target += "?" + (query.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }
        let answer = try exchange(request: requestHead(method: "POST", target: target, bodyBytes: body.count), body: body)
        guard answer.status == 200 else { throw serverError(answer) }
        return answer.body
    }

    private func requestHead(method: String, target: String, bodyBytes: Int) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nUser-Agent: kassa\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        if method == "POST" { head += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(bodyBytes)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }

    private func serverError(_ answer: HTTPAnswer) -> ClickHouseError {
        let text = String(decoding: answer.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return ClickHouseError(.server, text.isEmpty ? "HTTP \(answer.status) without a message" : text, status: answer.status)
    }

    private func exchange(request: [UInt8], body: [UInt8]) throws(ClickHouseError) -> HTTPAnswer {
        let deadline = Deadline(millisecondsFromNow: timeoutMilliseconds)
        let socket = try ClientSocket.connect(host: host, port: port, deadline: deadline)
        try socket.send(request, deadline: deadline)
        try socket.send(body, deadline: deadline)
        var parser = HTTPAnswerParser(bytesMax: Self.answerBytesMax)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try socket.receive(into: &chunk, deadline: deadline)
            if count == 0 { return try parser.finish() }
            if let answer = try parser.feed(chunk[0..<count]) { return answer }
        }
    }
}

// MARK: - Deadline

/// A point on the monotonic clock by which a request must finish.
private struct Deadline {
    private let nanoseconds: UInt64

    init(millisecondsFromNow milliseconds: Int) {
        nanoseconds = Self.now() + UInt64(milliseconds) * 1_000_000
    }

    /// Milliseconds left, 0 when passed.
    var remainingMilliseconds: Int32 {
        let now = Self.now()
        guard nanoseconds > now else { return 0 }
        return Int32(clamping: (nanoseconds - now + 999_999) / 1_000_000)
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

// MARK: - Socket

/// One non-blocking TCP connection whose every wait is bounded by a deadline.
///
/// The only unsafe code of the sink: it passes buffers to the C socket calls, each call given the
/// buffer's own base address and count, so no call can read or write past the buffer.
private final class ClientSocket {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Connects to the first address of `host` that accepts before the deadline.
    static func connect(host: String, port: UInt16, deadline: Deadline) throws(ClickHouseError) -> ClientSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw ClickHouseError(.connect, "cannot resolve \(host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        var failure = ClickHouseError(.connect, "no address for \(host)")
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next {
            next = address.pointee.ai_next
            do {
                return try connect(address.pointee, name: "\(host):\(port)", deadline: deadline)
            } catch {
                failure = error
                if error.code == .timeout { break }
            }
        }
        throw failure
    }

    private static func connect(_ address: addrinfo, name: String, deadline: Deadline) throws(ClickHouseError) -> ClientSocket {
        let descriptor = socket(address.ai_family, address.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                                address.ai_protocol)
        guard descriptor >= 0 else { throw ClickHouseError(.connect, "socket: \(String(cString: strerror(errno)))") }
        let connection = ClientSocket(descriptor: descriptor)
        var noDelay: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else {
                throw ClickHouseError(.connect, "connect to \(name): \(String(cString: strerror(errno)))")
            }
            guard try connection.wait(for: Int16(POLLOUT), deadline: deadline) else {
                throw ClickHouseError(.timeout, "no connection to \(name) within the request timeout")
            }
            var status: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &status, &length)
            guard status == 0 else {
                throw ClickHouseError(.connect, "connect to \(name): \(String(cString: strerror(status)))")
            }
        }
        return connection
    }

    /// Waits until `events` can be done; false when the deadline passed first.
    private func wait(for events: Int16, deadline: Deadline) throws(ClickHouseError) -> Bool {
        while true {
            let remaining = deadline.remainingMilliseconds
            guard remaining > 0 else { return false }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, remaining)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { throw ClickHouseError(.io, "poll: \(String(cString: strerror(errno)))") }
        }
    }

    func send(_ bytes: [UInt8], deadline: Deadline) throws(ClickHouseError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw ClickHouseError(.io, "sending to ClickHouse: \(String(cString: strerror(errno)))")
            }
            guard try wait(for: Int16(POLLOUT), deadline: deadline) else {
                throw ClickHouseError(.timeout, "ClickHouse did not take the request within the request timeout")
            }
        }
    }

    /// Reads what is there (at least one byte, or 0 at the end of the stream).
    func receive(into buffer: inout [UInt8], deadline: Deadline) throws(ClickHouseError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress!, raw.count, 0) }
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw ClickHouseError(.io, "receiving from ClickHouse: \(String(cString: strerror(errno)))")
            }
            guard try wait(for: Int16(POLLIN), deadline: deadline) else {
                throw ClickHouseError(.timeout, "ClickHouse did not answer within the request timeout")
            }
        }
    }
}

// MARK: - Answer parsing

/// An HTTP answer: the status and the (de-chunked) body.
struct HTTPAnswer: Equatable {
    var status: Int
    var body: [UInt8]
}

/// Reads an HTTP/1.x answer from bytes as they arrive: the head, then a body framed by
/// `Content-Length`, by chunks, or by the end of the connection.
struct HTTPAnswerParser {
    private enum Framing: Equatable {
        case head
        case length(Int)
        case chunked
        case untilClose
    }

    private var framing = Framing.head
    private var buffer: [UInt8] = []
    private var status = 0
    private let bytesMax: Int

    init(bytesMax: Int) {
        self.bytesMax = bytesMax
    }

    /// Takes more bytes; returns the answer once it is complete.
    mutating func feed(_ bytes: ArraySlice<UInt8>) throws(ClickHouseError) -> HTTPAnswer? {
        buffer.append(contentsOf: bytes)
        guard buffer.count <= bytesMax + 64 << 10 else {
            throw ClickHouseError(.protocolViolation, "the answer is larger than \(bytesMax) bytes")
        }
        if framing == .head { try parseHead() }
        return try complete()
    }

    /// The connection ended: the answer as far as it is complete.
    mutating func finish() throws(ClickHouseError) -> HTTPAnswer {
        if framing == .untilClose { return HTTPAnswer(status: status, body: buffer) }
        if let answer = try complete() { return answer }
        throw ClickHouseError(.io, "the connection closed before the whole answer arrived")
    }

    private mutating func parseHead() throws(ClickHouseError) {
        guard let end = find([13, 10, 13, 10], from: 0) else { return }
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let code = Int(statusParts[1]) else {
            throw ClickHouseError(.protocolViolation, "not an HTTP answer: \(lines[0].prefix(80))")
        }
        status = code
        framing = .untilClose
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "transfer-encoding", value.lowercased().contains("chunked") {
                framing = .chunked
            } else if name == "content-length", framing != .chunked {
                guard let length = Int(value), length >= 0 else {
                    throw ClickHouseError(.protocolViolation, "bad Content-Length '\(value)'")
                }
                guard length <= bytesMax else {
                    throw ClickHouseError(.protocolViolation, "the answer is larger than \(bytesMax) bytes")
                }
                framing = .length(length)
            }
        }
        buffer.removeFirst(end + 4)
    }

    private func complete() throws(ClickHouseError) -> HTTPAnswer? {
        switch framing {
        case .head, .untilClose:
            return nil
        case .length(let length):
            return buffer.count >= length ? HTTPAnswer(status: status, body: Array(buffer[0..<length])) : nil
        case .chunked:
            return try dechunked().map { HTTPAnswer(status: status, body: $0) }
        }
    }

    /// The body when every chunk up to the last (size 0) has arrived.
    private func dechunked() throws(ClickHouseError) -> [UInt8]? {
        var body: [UInt8] = []
        var offset = 0
        while true {
            guard let lineEnd = find([13, 10], from: offset) else { return nil }
            let sizeText = String(decoding: buffer[offset..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw ClickHouseError(.protocolViolation, "bad chunk size '\(sizeText.prefix(20))'")
            }
            let start = lineEnd + 2
            if size == 0 { return body }
            guard buffer.count >= start + size + 2 else { return nil }
            body.append(contentsOf: buffer[start..<start + size])
            offset = start + size + 2
        }
    }

    private func find(_ pattern: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= start + pattern.count else { return nil }
        var index = start
        while index + pattern.count <= buffer.count {
            if buffer[index] == pattern[0] && buffer[index..<index + pattern.count].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}

// MARK: - JSONEachRow

/// Writes rows for `FORMAT JSONEachRow`: one JSON object a line, strings escaped as JSON wants.
struct JSONEachRowWriter {
    /// The body built so far.
    private(set) var bytes: [UInt8] = []
    private var fieldsInRow = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func beginRow() {
        bytes.append(UInt8(ascii: "{"))
        fieldsInRow = 0
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Cuts the body back to `count` bytes (rows written after that point are dropped).
    mutating func truncate(to count: Int) {
        precondition(count <= bytes.count, "cannot truncate a JSONEachRow body forward")
        bytes.removeLast(bytes.count - count)
    }

    mutating func key(_ name: String) {
        if fieldsInRow > 0 { bytes.append(UInt8(ascii: ",")) }
        fieldsInRow += 1
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func unsigned(_ value: UInt64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite double in its shortest exact form; NaN and infinities as the strings `"nan"`,
    /// `"inf"` and `"-inf"`, the only spelling ClickHouse's JSONEachRow reads them in.
    mutating func double(_ value: Double) {
        if value.isFinite {
            bytes.append(contentsOf: value.description.utf8)
        } else {
            string(value.isNaN ? "nan" : value < 0 ? "-inf" : "inf")
        }
    }

    mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
