import NIOCore
import Testing
@testable import KassaLoadTest

/// The load test's HTTP/1.1 answer reader: what Kassa sends, read whole or in any pieces, and
/// everything else either read correctly or refused with the reason.
@Suite("Reading HTTP answers")
struct HTTPAnswerParserTests {
    /// Feeds `pieces` as a connection receives them (what is left over waits for the next
    /// piece), then the end of the connection when `closed`; answers (status, body, closes).
    func read(_ pieces: [String], closed: Bool = false) throws(HTTPAnswerError) -> [(Int, String, Bool)] {
        var parser = HTTPAnswerParser()
        var received = ByteBuffer()
        var answers: [(Int, String, Bool)] = []
        for piece in pieces {
            received.writeString(piece)
            while let parsed = try parser.next(&received) {
                answers.append((parsed.answer.status, parsed.answer.text, parsed.closes))
            }
        }
        if closed, let parsed = try parser.end(&received) {
            answers.append((parsed.answer.status, parsed.answer.text, parsed.closes))
        }
        return answers
    }

    /// Every way of cutting `text` in two, and byte by byte.
    func splits(_ text: String) -> [[String]] {
        let bytes = Array(text.utf8)
        var cuts = (1..<bytes.count).map { [String(decoding: bytes[..<$0], as: UTF8.self), String(decoding: bytes[$0...], as: UTF8.self)] }
        cuts.append(bytes.map { String(decoding: [$0], as: UTF8.self) })
        return cuts
    }

    /// The refusal `read` gives, as text.
    func refusal(_ pieces: [String], closed: Bool = false) -> String? {
        do {
            _ = try read(pieces, closed: closed)
            return nil
        } catch {
            return error.description
        }
    }

    let sale = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 13\r\nDate: Fri, 27 Nov 2026 07:00:00 GMT\r\n\r\n{\"total\":120}"

    @Test("an answer framed by Content-Length, whole, two in one read, and cut anywhere")
    func contentLength() throws {
        #expect(try read([sale]).map(\.0) == [201])
        #expect(try read([sale]).map(\.1) == [#"{"total":120}"#])
        #expect(try read([sale]).map(\.2) == [false])
        #expect(try read([sale + sale]).count == 2)
        for pieces in splits(sale + sale) {
            let answers = try read(pieces)
            #expect(answers.map(\.1) == [#"{"total":120}"#, #"{"total":120}"#], "\(pieces)")
        }
    }

    @Test("header names in any case, an empty body, and Connection: close")
    func headers() throws {
        let answers = try read(["HTTP/1.1 200 OK\r\ncontent-LENGTH:  2 \r\nCONNECTION: Close\r\n\r\n{}"])
        #expect(answers.map(\.1) == ["{}"] && answers.map(\.2) == [true])
        #expect(try read(["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]).map(\.1) == [""])
        #expect(try read(["HTTP/1.1 204 No Content\r\n\r\n"]).map(\.0) == [204])
        // HTTP/1.0 closes unless it says keep-alive.
        #expect(try read(["HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"]).map(\.2) == [true])
        #expect(try read(["HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"]).map(\.2) == [false])
    }

    @Test("an interim 100 Continue is read past")
    func interim() throws {
        #expect(try read(["HTTP/1.1 100 Continue\r\n\r\n" + sale]).map(\.0) == [201])
    }

    @Test("a chunked answer, with an extension and a trailer, cut anywhere")
    func chunked() throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nContent-Length: 99\r\n\r\n5;name=x\r\n{\"tot\r\na\r\nal\":120}\r\n\r\n0\r\nX-Checksum: 1\r\n\r\n"
        // Transfer-Encoding wins over Content-Length; the second chunk's data ends in CRLF of its own.
        for pieces in splits(text + sale) {
            let answers = try read(pieces)
            #expect(answers.map(\.1) == [#"{"total":120}"# + "\r\n", #"{"total":120}"#], "\(pieces)")
        }
    }

    @Test("without Content-Length or chunks the body runs to the end of the connection")
    func untilClose() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"
        for pieces in splits(text) {
            let answers = try read(pieces, closed: true)
            #expect(answers.map(\.1) == ["all of it"] && answers.map(\.2) == [true], "\(pieces)")
        }
    }

    @Test("malformed answers are refused with what is wrong")
    func malformed() {
        #expect(refusal(["SSH-2.0-OpenSSH_9.2\r\n\r\n"])?.contains("does not start with an HTTP/1.x status line: SSH-2.0") == true)
        #expect(refusal(["HTTP/2 200\r\n\r\n"])?.contains("status line") == true)
        #expect(refusal(["HTTP/1.1 2x0 OK\r\n\r\n"])?.contains("status line") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\n"])?.contains("Content-Length is not a number: twelve") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"])?.contains("not a number") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"])?.contains("two different Content-Length") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n"])?.contains("longer than") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"])?.contains("Transfer-Encoding is not chunked: gzip") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"])?.contains("not chunked: gzip, chunked") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"])?.contains("no name") == true)
        #expect(refusal(["HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n"])?.contains("LF without CR") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"])?.contains("not hexadecimal: zz") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY"])?.contains("not followed by CRLF") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n123456789\r\n"])?.contains("8 hex digits") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 20_000)])?.contains("head is longer than 16384 bytes") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"], closed: true)?.contains("closed within an answer's body") == true)
        #expect(refusal(["HTTP/1.1 200 OK\r\nContent-"], closed: true)?.contains("closed within an answer's head") == true)
    }
}
