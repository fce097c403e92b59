import Foundation
import Testing

/// Quotes and sales are answered on the connection's event loop, every other request by the
/// router. Over raw sockets, as a till's HTTP stack would send them: answers come back in
/// request order when requests of both kinds are pipelined on one connection, bodies arrive
/// whole or chunked, and refusals keep the connection usable.
@Suite("kassa serve: the till fast path on one connection", .serialized)
struct TillFastPathTests {
    /// One answer read off the socket.
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [String: Any]
        var raw: String
    }

    /// A plain TCP connection to the server.
    final class Connection {
        let descriptor: Int32
        private var buffer: [UInt8] = []

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw ServerError("socket: \(errno)") }
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw ServerError("connect: \(errno)") }
        }

        deinit { close(descriptor) }

        func send(_ text: String) throws {
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else { throw ServerError("write: \(errno)") }
                offset += written
            }
        }

        /// Sends `text` in pieces of one to `pieceBytesMax` bytes with a pause after each, so
        /// that the server reads requests split at every kind of place.
        func sendInPieces(_ text: String, pieceBytesMax: Int, seed: UInt64) throws {
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let bytes = Array(text.utf8)
            var state = seed
            var offset = 0
            while offset < bytes.count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let count = min(bytes.count - offset, 1 + Int((state >> 33) % UInt64(pieceBytesMax)))
                let written = bytes[offset..<(offset + count)].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else { throw ServerError("write: \(errno)") }
                offset += written
                usleep(300)
            }
        }

        /// The next answer (Content-Length framed, as the server answers); nil at end of stream.
        func reply() throws -> Reply? {
            while true {
                if let end = headerEnd() {
                    let head = String(decoding: buffer[..<end], as: UTF8.self)
                    var lines = head.components(separatedBy: "\r\n")
                    let status = Int(lines.removeFirst().split(separator: " ")[1]) ?? 0
                    var headers: [String: String] = [:]
                    for line in lines where !line.isEmpty {
                        let parts = line.split(separator: ":", maxSplits: 1)
                        headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                    }
                    let length = Int(headers["content-length"] ?? "0") ?? 0
                    if buffer.count >= end + 4 + length {
                        let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                        buffer.removeFirst(end + 4 + length)
                        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
                        return Reply(status: status, headers: headers, body: object, raw: String(decoding: body, as: UTF8.self))
                    }
                }
                var chunk = [UInt8](repeating: 0, count: 65536)
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count == 0 { return nil }
                guard count > 0 else { throw ServerError("read: \(errno)") }
                buffer.append(contentsOf: chunk[..<count])
            }
        }

        private func headerEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                return i
            }
            return nil
        }
    }

    static func post(_ path: String, token: String?, json: Any, extra: String = "") throws -> String {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        let auth = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        return "POST \(path) HTTP/1.1\r\nHost: kassa\r\n\(auth)Content-Type: application/json\r\n\(extra)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    static func get(_ path: String, token: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer \(token)\r\n\r\n"
    }

    @Test func pipelinedRequestsOfBothKindsAreAnsweredInOrder() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let till = server.tokens["till"]!, staff = server.tokens["staff"]!
        let connection = try Connection(port: server.port)
        // All in one write: the router's answers and the fast path's must not overtake each
        // other. A sale waits for the journal, so a read of it right behind must wait too.
        var burst = try Self.post("/v1/sales", token: till, json: saleBody("P-1"))
        burst += Self.get("/v1/sales/P-1", token: staff)
        burst += try Self.post("/v1/quotes", token: till, json: saleBody("P-1b"))
        burst += try Self.post("/v1/sales", token: till, json: saleBody("P-1"))
        burst += Self.get("/healthz", token: staff)
        burst += try Self.post("/v1/sales?from=lane", token: till, json: saleBody("P-2"))
        burst += Self.get("/v1/sales/P-2", token: staff)
        try connection.send(burst)
        var replies: [Reply] = []
        for _ in 0..<7 {
            guard let reply = try connection.reply() else { break }
            replies.append(reply)
        }
        #expect(replies.map(\.status) == [201, 200, 200, 200, 200, 201, 200])
        guard replies.count == 7 else { return }
        // The sale read back is the one just written, and the retry answers its bytes.
        #expect(replies[1].body["id"] as? String == "P-1")
        #expect(replies[1].raw == replies[0].raw)
        #expect(replies[2].body["total"] as? Int == replies[0].body["total"] as? Int)
        #expect(replies[3].raw == replies[0].raw)
        #expect(replies[4].body["status"] as? String == "ok")
        #expect(replies[6].body["id"] as? String == "P-2")
        for reply in replies {
            #expect(reply.headers["content-type"] == "application/json")
            #expect(reply.headers["server"] == "kassa")
            #expect(reply.headers["date"]?.hasSuffix(" GMT") == true)
        }
    }

    @Test func requestsSplitAnywhereAreAnsweredInOrder() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let till = server.tokens["till"]!, staff = server.tokens["staff"]!
        let connection = try Connection(port: server.port)
        var burst = try Self.post("/v1/quotes", token: till, json: saleBody("S-1"))
        burst += try Self.post("/v1/sales", token: till, json: saleBody("S-1"))
        burst += Self.get("/v1/sales/S-1", token: staff)
        // A return, answered off the wire like the sale before it.
        burst += try Self.post("/v1/returns", token: till, json: [
            "id": "R-1", "sale": "S-1", "store": "S1", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:00:00+03:00",
            "lines": [["sku": "4607001234562", "qty": 1]]] as [String: Any])
        // A request for the router with a body of its own, handed to the decoder in pieces.
        burst += try Self.post("/v1/customers", token: staff, json: ["card": "2000000000017", "name": "Split"])
        burst += try Self.post("/v1/sales", token: till, json: saleBody("S-2"))
        burst += try Self.post("/v1/voids", token: till, json: [
            "id": "V-1", "sale": "S-2", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:05:00+03:00", "reason": "wrong"])
        burst += try Self.post("/v1/sales", token: till, json: saleBody("S-1"))
        try connection.sendInPieces(burst, pieceBytesMax: 7, seed: 11)
        var replies: [Reply] = []
        for _ in 0..<8 {
            guard let reply = try connection.reply() else { break }
            replies.append(reply)
        }
        #expect(replies.map(\.status) == [200, 201, 200, 201, 201, 201, 201, 200])
        guard replies.count == 8 else { return }
        #expect(replies[0].body["total"] as? Int == replies[1].body["total"] as? Int)
        #expect(replies[2].raw == replies[1].raw)
        #expect(replies[3].body["refund"] as? Int == 8990)
        #expect(replies[4].body["card"] as? String == "2000000000017")
        #expect(replies[5].body["id"] as? String == "S-2")
        #expect(replies[6].body["sale"] as? String == "S-2")
        #expect(replies[6].body["refund"] as? Int == replies[5].body["total"] as? Int)
        // The retry answers the sale as it stands now, after the return.
        #expect(replies[7].body["id"] as? String == "S-1")
        #expect(replies[7].raw.contains(#""returned_qty":1"#))
    }

    @Test func returnsAndVoidsAnswerTheSameBytesOffTheWireAndThroughTheDecoder() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let till = server.tokens["till"]!
        let connection = try Connection(port: server.port)
        try connection.send(try Self.post("/v1/sales", token: till, json: saleBody("W-1")) + Self.post("/v1/sales", token: till, json: saleBody("W-2")))
        #expect(try [connection.reply()?.status, connection.reply()?.status] == [201, 201])
        let returned = ["id": "W-R1", "sale": "W-1", "store": "S1", "terminal": "T07", "cashier": "C12",
                        "at": "2026-11-22T11:00:00+03:00", "lines": [["sku": "4607001234562", "qty": 1]]] as [String: Any]
        let voided = ["id": "W-V1", "sale": "W-2", "terminal": "T07", "cashier": "C12", "at": "2026-11-22T11:05:00+03:00", "reason": "wrong"]
        // Each new one way and its retry the other: a retry answers the same bytes, 200.
        try connection.send(try Self.post("/v1/returns", token: till, json: returned))
        let plainReturn = try connection.reply()
        let chunked = try Connection(port: server.port)
        try chunked.send(Self.chunked("/v1/returns", token: till, json: returned))
        let chunkedReturn = try chunked.reply()
        try chunked.send(Self.chunked("/v1/voids", token: till, json: voided))
        let chunkedVoid = try chunked.reply()
        try connection.send(try Self.post("/v1/voids", token: till, json: voided))
        let plainVoid = try connection.reply()
        #expect([plainReturn?.status, chunkedReturn?.status, chunkedVoid?.status, plainVoid?.status] == [201, 200, 201, 200])
        #expect(plainReturn?.raw == chunkedReturn?.raw)
        #expect(plainVoid?.raw == chunkedVoid?.raw)
        #expect(plainReturn?.body["refund"] as? Int == 8990)
        #expect(plainVoid?.body["sale"] as? String == "W-2")
        // Refused alike: a return of more than was sold, a void of an unknown sale.
        var tooMuch = returned
        tooMuch["id"] = "W-R2"
        tooMuch["lines"] = [["sku": "4607001234562", "qty": 5]]
        try connection.send(try Self.post("/v1/returns", token: till, json: tooMuch))
        let plainRefusal = try connection.reply()
        try chunked.send(Self.chunked("/v1/returns", token: till, json: tooMuch))
        let chunkedRefusal = try chunked.reply()
        #expect(plainRefusal?.status == 422)
        #expect(plainRefusal?.status == chunkedRefusal?.status && plainRefusal?.raw == chunkedRefusal?.raw)
        var unknown = voided
        unknown["id"] = "W-V2"
        unknown["sale"] = "NO-SUCH"
        try connection.send(try Self.post("/v1/voids", token: till, json: unknown))
        let unknownSale = try connection.reply()
        #expect(unknownSale?.status == 422)
        #expect((unknownSale?.body["error"] as? [String: Any])?["code"] as? String == "unknown_sale")
        // Only a till (or admin) may return or void.
        try connection.send(try Self.post("/v1/voids", token: server.tokens["staff"]!, json: unknown))
        #expect(try connection.reply()?.status == 403)
    }

    /// `path` posted with a chunked body, which the wire leaves to the HTTP decoder.
    static func chunked(_ path: String, token: String, json: Any) throws -> String {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        return "POST \(path) HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer \(token)\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n"
    }

    @Test func aQuoteAnswersTheSameBytesWhicheverWayItIsRead() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let till = server.tokens["till"]!
        let body = String(decoding: try JSONSerialization.data(withJSONObject: saleBody("Q-1")), as: UTF8.self)
        // Plain, as tills send it (read off the wire), and chunked (through the HTTP decoder).
        let plain = try Connection(port: server.port)
        try plain.send(try Self.post("/v1/quotes", token: till, json: saleBody("Q-1")))
        let chunked = try Connection(port: server.port)
        try chunked.send(Self.chunked("/v1/quotes", token: till, json: saleBody("Q-1")))
        // An HTTP/1.0 request goes through the decoder as well.
        let old = try Connection(port: server.port)
        try old.send("POST /v1/quotes HTTP/1.0\r\nAuthorization: Bearer \(till)\r\nConnection: keep-alive\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        let replies = try [plain.reply(), chunked.reply(), old.reply()]
        #expect(replies.map { $0?.status } == [200, 200, 200])
        for reply in replies.dropFirst() {
            #expect(reply?.raw == replies[0]?.raw)
            #expect(reply.map { Set($0.headers.keys) }?.subtracting(["connection"]) == replies[0].map { Set($0.headers.keys) })
            #expect(reply?.headers["content-type"] == replies[0]?.headers["content-type"])
        }
        // A connection the wire gave up on still answers.
        try chunked.send(try Self.post("/v1/sales", token: till, json: saleBody("Q-2")))
        #expect(try chunked.reply()?.status == 201)
    }

    /// A sale takes its quote's body and pricing: sent as tills send it right after the quote,
    /// the quote's bytes with the payment added, it is the quote. Its pricing only while what
    /// it was priced on still holds: here a sale of the same customer's lands between the quote
    /// and the sale of the quoted basket, and the first-purchase discount the quote showed is
    /// gone from the sale.
    @Test func aSaleIsPricedOnTheStateItIsRegisteredInWhateverItsQuoteSaid() async throws {
        let rules = ServerProcess.repository.appendingPathComponent("config/loyalty.yaml").path
        let server = try ServerProcess(environment: ["KASSA_LOYALTY_RULES_FILE": rules])
        defer { _ = server.stop() }
        let till = server.tokens["till"]!, staff = server.tokens["staff"]!
        let card = "2000000000024"
        let lane = try Connection(port: server.port), other = try Connection(port: server.port)
        try other.send(try Self.post("/v1/customers", token: staff, json: ["card": card, "name": "Quoted"]))
        #expect(try other.reply()?.status == 201)
        func discounts(_ reply: Reply?) -> [Int] {
            (reply?.body["lines"] as? [[String: Any]])?.map { $0["discount"] as? Int ?? -1 } ?? []
        }

        // Quoted, then sold at once on the same lane as tills send it, the quote's bytes with the
        // payment added (read without the basket again): the sale is the quote.
        var quoteBody = #"{"id":"QS-0","store":"S1","terminal":"T07","cashier":"C12","at":"2026-11-22T10:15:00+03:00","customer":"\#(card)","#
            + #""lines":[{"sku":"4607001234562","qty":2,"price":8990},{"sku":"2100001000011","qty":0.755,"price":54900,"category":"meat"}]}"#
        try lane.send("POST /v1/quotes HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer \(till)\r\nContent-Length: \(quoteBody.utf8.count)\r\n\r\n\(quoteBody)")
        let firstQuote = try lane.reply()
        let total = try #require(firstQuote?.body["total"] as? Int)
        quoteBody.removeLast()
        let saleText = quoteBody + #","payments":[{"method":"card","amount":\#(total)}]}"#
        try lane.send("POST /v1/sales HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer \(till)\r\nContent-Length: \(saleText.utf8.count)\r\n\r\n\(saleText)")
        let firstSale = try lane.reply()
        #expect(firstSale?.status == 201)
        #expect(firstSale?.body["total"] as? Int == total)
        #expect(firstSale?.body["id"] as? String == "QS-0")
        #expect((firstSale?.body["payments"] as? [[String: Any]])?.first?["amount"] as? Int == total)
        #expect(discounts(firstSale) == discounts(firstQuote))
        #expect(firstQuote?.body["reasons"].map { "\($0)".contains("welcome-5") } == true)

        // A new member's basket quoted on this lane as her first purchase; her first purchase
        // is then registered on another lane, and the quoted basket sold here.
        let second = try Connection(port: server.port)
        let fresh = "2000000000048"
        try second.send(try Self.post("/v1/customers", token: staff, json: ["card": fresh, "name": "Fresh"]))
        #expect(try second.reply()?.status == 201)
        try lane.send(try Self.post("/v1/quotes", token: till, json: saleBody("QS-2", customer: fresh)))
        let quoted = try lane.reply()
        #expect(quoted?.body["reasons"].map { "\($0)".contains("welcome-5") } == true)
        try second.send(try Self.post("/v1/sales", token: till, json: saleBody("QS-3", terminal: "T08", customer: fresh)))
        #expect(try second.reply()?.status == 201)
        try second.send(try Self.post("/v1/quotes", token: till, json: saleBody("QS-2", customer: fresh)))
        let requoted = try second.reply()
        #expect(requoted?.body["total"] as? Int != quoted?.body["total"] as? Int)
        try lane.send(try Self.post("/v1/sales", token: till, json: saleBody("QS-2", customer: fresh)))
        let sold = try lane.reply()
        #expect(sold?.status == 201)
        #expect(sold?.body["total"] as? Int == requoted?.body["total"] as? Int)
        #expect(discounts(sold) == discounts(requoted))
        #expect(discounts(sold) != discounts(quoted))
    }

    /// Card lookups are answered off the wire, as the router answers them through the decoder
    /// (HTTP/1.0 here): a till gets the checkout summary, staff and admins the full card, and
    /// only their reads are audited.
    @Test func cardLookupsAnswerTheSameBytesOffTheWireAndThroughTheDecoder() async throws {
        let rules = ServerProcess.repository.appendingPathComponent("config/loyalty.yaml").path
        let server = try ServerProcess(environment: ["KASSA_LOYALTY_RULES_FILE": rules])
        defer { _ = server.stop() }
        let till = server.tokens["till"]!, staff = server.tokens["staff"]!, admin = server.tokens["admin"]!
        let card = "2000000000017"
        let lane = try Connection(port: server.port), decoded = try Connection(port: server.port)
        try lane.send(try Self.post("/v1/customers", token: staff, json: ["card": card, "name": "Looked Up"]))
        #expect(try lane.reply()?.status == 201)
        func old(_ path: String, token: String) -> String {
            "GET \(path) HTTP/1.0\r\nAuthorization: Bearer \(token)\r\nConnection: keep-alive\r\n\r\n"
        }

        // Pipelined behind the card's sale: answered in order, once the sale is registered, and
        // showing it (the points it earned).
        var burst = try Self.post("/v1/sales", token: till, json: saleBody("L-1", customer: card))
        burst += Self.get("/v1/customers/\(card)", token: till)
        burst += Self.get("/v1/customers/\(card)", token: staff)
        burst += try Self.post("/v1/quotes", token: till, json: saleBody("L-2", customer: card))
        try lane.send(burst)
        let replies = try [lane.reply(), lane.reply(), lane.reply(), lane.reply()]
        #expect(replies.map { $0?.status } == [201, 200, 200, 200])
        let balance = try #require((replies[0]?.body["points"] as? [String: Any])?["balance"] as? Int)
        #expect(balance > 0)
        #expect(replies[1]?.body["card"] as? String == card)
        #expect(replies[1]?.body["points"] as? Int == balance)
        #expect(replies[1]?.body["discounts"] is [Any])
        #expect(replies[1]?.body["name"] == nil)
        #expect(replies[2]?.body["name"] as? String == "Looked Up")
        #expect(replies[2]?.body["visits"] as? Int == 1)

        // The same bytes both ways, for each role: an enrolled card (also with a query, which
        // the router ignores), a card not enrolled, a text that is no card number.
        var fullReads = 1
        for token in [till, staff, admin] {
            for path in ["/v1/customers/\(card)", "/v1/customers/\(card)?fields=all", "/v1/customers/2000000000024", "/v1/customers/12AB-x"] {
                try lane.send(Self.get(path, token: token))
                try decoded.send(old(path, token: token))
                let wire = try lane.reply(), router = try decoded.reply()
                #expect(wire?.status == router?.status, "\(path)")
                #expect(wire?.raw == router?.raw, "\(path)")
                #expect(wire?.headers["content-type"] == router?.headers["content-type"])
                if token != till, wire?.status == 200 { fullReads += 2 }
            }
        }
        try lane.send(Self.get("/v1/customers/2000000000024", token: till))
        #expect(try lane.reply()?.status == 404)

        // A missing or unknown token is refused, and a connection's remembered token stands in
        // for no other.
        try lane.send(Self.get("/v1/customers/\(card)", token: till) + "GET /v1/customers/\(card) HTTP/1.1\r\nHost: kassa\r\n\r\n"
                      + Self.get("/v1/customers/\(card)", token: "not-a-token") + Self.post("/v1/quotes", token: String(till.reversed()), json: saleBody("L-3")))
        #expect(try [lane.reply()?.status, lane.reply()?.status, lane.reply()?.status, lane.reply()?.status] == [200, 401, 401, 401])

        // Every full read was audited, with who read (the history is written a moment later);
        // no summary read was.
        func reads() async throws -> [[String: Any]] {
            let entries = try await server.call("GET", "/v1/audit?subject=\(card)&limit=1000", role: "admin").body["entries"] as? [[String: Any]] ?? []
            return entries.filter { $0["action"] as? String == "read_customer" }
        }
        var audited = try await reads()
        for _ in 0..<600 where audited.count < fullReads {
            try await Task.sleep(for: .milliseconds(50))
            audited = try await reads()
        }
        #expect(audited.count == fullReads)
        #expect(Set(audited.compactMap { $0["role"] as? String }) == ["admin", "staff"])
    }

    @Test func aMalformedHeadIsRefusedByTheDecoder() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let connection = try Connection(port: server.port)
        try connection.send("POST /v1/sales HTTP/1.1\r\nBad Name: x\r\nContent-Length: 2\r\n\r\n{}")
        // Refused (or closed) by the full HTTP stack, and the server keeps serving.
        let reply = try? connection.reply()
        #expect(reply == nil || reply?.status == 400)
        #expect(try await server.call("GET", "/healthz", role: "staff").status == 200)
    }

    @Test func chunkedBodiesRefusalsAndCloseBehaveAsThroughTheRouter() async throws {
        let server = try ServerProcess()
        defer { _ = server.stop() }
        let till = server.tokens["till"]!, staff = server.tokens["staff"]!
        let connection = try Connection(port: server.port)

        // A chunked sale, split mid-line.
        let body = String(decoding: try JSONSerialization.data(withJSONObject: saleBody("C-1")), as: UTF8.self)
        let cut = body.index(body.startIndex, offsetBy: body.count / 2)
        let first = String(body[..<cut]), second = String(body[cut...])
        try connection.send("POST /v1/sales HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer \(till)\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + String(first.utf8.count, radix: 16) + "\r\n" + first + "\r\n")
        try connection.send(String(second.utf8.count, radix: 16) + "\r\n" + second + "\r\n0\r\n\r\n")
        #expect(try connection.reply()?.status == 201)

        // Refusals answer in the contract's format and leave the connection open.
        try connection.send(try Self.post("/v1/sales", token: nil, json: saleBody("C-2")))
        let unauthorized = try connection.reply()
        #expect(unauthorized?.status == 401)
        #expect(unauthorized?.headers["www-authenticate"] == "Bearer")
        try connection.send(try Self.post("/v1/quotes", token: staff, json: saleBody("C-2")))
        let forbidden = try connection.reply()
        #expect(forbidden?.status == 403)
        #expect((forbidden?.body["error"] as? [String: Any])?["code"] as? String == "forbidden")
        try connection.send("POST /v1/sales HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer \(till)\r\nContent-Length: 9\r\n\r\n{\"lines\":")
        let malformed = try connection.reply()
        #expect(malformed?.status == 400)
        #expect((malformed?.body["error"] as? [String: Any])?["code"] as? String == "malformed_json")
        // Over http.body_bytes_max (1 MiB by default): 413, and the body is read past.
        let huge = String(repeating: " ", count: 2 * 1024 * 1024) + "{}"
        try connection.send("POST /v1/quotes HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer \(till)\r\nContent-Length: \(huge.utf8.count)\r\n\r\n" + huge)
        let large = try connection.reply()
        #expect(large?.status == 413)
        #expect((large?.body["error"] as? [String: Any])?["code"] as? String == "body_too_large")
        // Still usable, and nothing refused was recorded.
        try connection.send(Self.get("/v1/sales/C-2", token: staff))
        #expect(try connection.reply()?.status == 404)

        // Connection: close is answered, then the server closes.
        try connection.send(try Self.post("/v1/sales", token: till, json: saleBody("C-3"), extra: "Connection: close\r\n"))
        #expect(try connection.reply()?.status == 201)
        #expect(try connection.reply() == nil)

        // The sale answered before the close was recorded.
        #expect(try await server.call("GET", "/v1/sales/C-3", role: "staff").status == 200)
    }
}
