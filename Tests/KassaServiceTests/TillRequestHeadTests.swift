import Testing
@testable import KassaService

/// The till wire's reader of request heads: it takes the plain requests tills send, says how
/// long every request is so the decoder gets exactly its bytes, and leaves anything it does not
/// understand to the full decoder.
@Suite("Request heads read off the wire")
struct TillRequestHeadTests {
    static func read(_ text: String, headBytesMax: Int = 64 * 1024) -> TillRequestHead.Reading {
        Array(text.utf8).withUnsafeBytes { TillRequestHead.read($0, headBytesMax: headBytesMax) }
    }

    static func head(_ text: String) -> TillRequestHead? {
        if case .head(let head) = read(text) { return head }
        return nil
    }

    @Test func aTillsSaleIsReadWithItsLengthTokenAndRoute() {
        let text = "POST /v1/sales HTTP/1.1\r\nHost: kassa\r\nAuthorization: Bearer abc\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n"
        let head = Self.head(text + "{")
        #expect(head == TillRequestHead(headBytes: text.utf8.count, bodyBytes: 42, route: .sale, authorization: "Bearer abc", closes: false))
    }

    @Test func returnsAndVoidsAreTillRequestsToo() {
        #expect(Self.head("POST /v1/returns HTTP/1.1\r\nContent-Length: 5\r\n\r\n")?.route == .saleReturn)
        #expect(Self.head("POST /v1/voids?lane=2 HTTP/1.1\r\nContent-Length: 5\r\n\r\n")?.route == .void)
        #expect(Self.head("GET /v1/voids HTTP/1.1\r\n\r\n")?.route == nil)
    }

    /// A till's card lookup is read with its card number; any path the router might read
    /// differently (an escape, another segment, no card) and a lookup with a body are not.
    @Test func aCardLookupIsReadWithItsCardNumber() {
        let text = "GET /v1/customers/2000000000017?x=1 HTTP/1.1\r\nAuthorization: Bearer t\r\n\r\n"
        #expect(Self.head(text) == TillRequestHead(headBytes: text.utf8.count, bodyBytes: 0, route: .customer,
                                                   card: "2000000000017", authorization: "Bearer t", closes: false))
        #expect(Self.head("GET /v1/customers/AB-12 HTTP/1.1\r\n\r\n")?.card == "AB-12")
        for path in ["/v1/customers/", "/v1/customers", "/v1/customers/20%30", "/v1/customers/1/history", "/v1/customers/1/",
                     "/v1/customers//1", "/v1/customers/1#x", "/v1/customers/1;x", "/v1/customersX/1", "/v1/customers/ü"] {
            let head = Self.head("GET \(path) HTTP/1.1\r\n\r\n")
            #expect(head != nil && head?.route == nil && head?.card == nil, "\(path)")
        }
        #expect(Self.head("GET /v1/customers/1 HTTP/1.1\r\nContent-Length: 2\r\n\r\n")?.route == nil)
        #expect(Self.head("POST /v1/customers/1 HTTP/1.1\r\nContent-Length: 2\r\n\r\n")?.route == nil)
        #expect(Self.head("POST /v1/customers/ HTTP/1.1\r\nContent-Length: 2\r\n\r\n")?.route == nil)
        #expect(Self.head("HEAD /v1/customers/1 HTTP/1.1\r\n\r\n")?.route == nil)
    }

    @Test func fieldNamesAreReadInAnyCaseAndValuesTrimmed() {
        let head = Self.head("POST /v1/quotes?lane=4 HTTP/1.1\r\ncontent-LENGTH:\t7 \r\nAUTHORIZATION:   Bearer x  \r\nConnection: keep-alive, Close\r\n\r\n")
        #expect(head?.route == .quote)
        #expect(head?.bodyBytes == 7)
        #expect(head?.authorization == "Bearer x")
        #expect(head?.closes == true)
    }

    @Test func otherRequestsAreMeasuredButNotRouted() {
        let get = "GET /v1/sales/A-1 HTTP/1.1\r\nAuthorization: Bearer s\r\n\r\n"
        #expect(Self.head(get) == TillRequestHead(headBytes: get.utf8.count, bodyBytes: 0, route: nil, authorization: "Bearer s", closes: false))
        #expect(Self.head("POST /v1/customers HTTP/1.1\r\nContent-Length: 5\r\n\r\n")?.route == nil)
        #expect(Self.head("POST /v1/returnsX HTTP/1.1\r\n\r\n")?.route == nil)
        #expect(Self.head("POST /v1/salesX HTTP/1.1\r\n\r\n")?.route == nil)
        #expect(Self.head("PUT /v1/sales HTTP/1.1\r\n\r\n")?.route == nil)
        #expect(Self.head("POST http://kassa/v1/sales HTTP/1.1\r\n\r\n")?.route == nil)
        // Expect: 100-continue is the decoder's to handle.
        #expect(Self.head("POST /v1/sales HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")?.route == nil)
    }

    @Test func aHeadNotAllThereYetIsIncomplete() {
        let text = "POST /v1/sales HTTP/1.1\r\nContent-Length: 42\r\n\r\n"
        for cut in 0..<text.utf8.count {
            #expect(Self.read(String(decoding: Array(text.utf8)[..<cut], as: UTF8.self)) == .incomplete, "cut at \(cut)")
        }
    }

    @Test func whatOnlyTheDecoderShouldJudgeIsUnsupported() {
        let unsupported = [
            "POST /v1/sales HTTP/1.0\r\n\r\n",
            "POST /v1/sales HTTP/2\r\n\r\n",
            "POST /v1/sales\r\n\r\n",
            "POST  /v1/sales HTTP/1.1\r\n\r\n",
            "\r\nPOST /v1/sales HTTP/1.1\r\n\r\n",
            "POST /v1/sales HTTP/1.1\nContent-Length: 1\n\n",
            "POST /v1/sales HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nContent-Length: -4\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nContent-Length: 4x\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nContent-Length: \r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nContent-Length: 9999999999999999\r\n\r\n",
            "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nNo colon here\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\n: empty name\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nHost: a\r\n  folded\r\n\r\n",
            "POST /v1/sales HTTP/1.1\r\nBad Name: x\r\n\r\n",
        ]
        for text in unsupported {
            #expect(Self.read(text) == .unsupported, "\(text.debugDescription)")
        }
    }

    @Test func aHeadLongerThanTheLimitIsUnsupportedEvenUnfinished() {
        let long = "POST /v1/sales HTTP/1.1\r\nX-Padding: " + String(repeating: "a", count: 200)
        #expect(Self.read(long, headBytesMax: 100) == .unsupported)
        #expect(Self.read(long + "\r\n\r\n", headBytesMax: 100) == .unsupported)
        #expect(Self.read(long + "\r\n\r\n", headBytesMax: 1000) != .unsupported)
    }
}
