import Foundation
import Hummingbird
import KassaCore
import KassaJournal

/// A non-2xx answer in the contract's format:
/// `{"error": {"code": "snake_case", "message": "...", "field": "lines[2].qty"}}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, "invalid_field", message, field: field)
    }

    static func malformed(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, "malformed_json", message, field: field)
    }

    /// The Ledger's refusal mapped to the contract's status codes.
    init(_ error: LedgerError) {
        let status: HTTPResponse.Status
        switch error.code {
        case .idConflict, .customerExists: status = .conflict
        case .unknownCustomer, .unknownTerminal: status = .notFound
        case .unknownSale: status = .unprocessableContent
        case .tooLarge: status = .contentTooLarge
        default: status = .unprocessableContent
        }
        self.init(status, error.code.description, error.message, field: error.field)
    }

    /// Storage trouble: 503 with Retry-After.
    init(_ unavailable: StorageUnavailable) {
        let code: String
        switch unavailable.reason {
        case .outOfSpace: code = "storage_full"
        case .failed: code = "storage_failed"
        case .overloaded: code = "overloaded"
        case .stopping: code = "shutting_down"
        }
        self.init(.serviceUnavailable, code, unavailable.message, retryAfter: unavailable.reason == .failed ? 30 : 1)
    }

    /// A ledger answer of a kind the route did not ask for: a bug, answered as one.
    static let unexpectedAnswer = APIError(.internalServerError, "internal_error", "unexpected answer")

    var response: Response { answer.response }

    /// The error answer: the contract's body, `Retry-After` when there is one, and
    /// `WWW-Authenticate` on 401.
    var answer: Answer {
        var writer = JSONWriter(capacity: 256)
        writer.object { w in
            w.key("error")
            detail(into: &w)
        }
        var answer = Answer(status, writer)
        if let retryAfter { answer.headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { answer.headers[.wwwAuthenticate] = "Bearer" }
        return answer
    }

    /// The inside of the contract's `error` member: `{"code", "field", "message"}`.
    func detail(into w: inout JSONWriter) {
        w.object { w in
            w.field("code", code)
            if let field { w.field("field", field) }
            w.field("message", message)
        }
    }
}

/// A JSON answer that `write` writes.
func json(_ status: HTTPResponse.Status, _ write: (inout JSONWriter) -> Void) -> Response {
    var writer = JSONWriter()
    write(&writer)
    return json(status, writer)
}

/// A JSON answer already written.
func json(_ status: HTTPResponse.Status, _ writer: JSONWriter) -> Response {
    Answer(status, writer).response
}

/// A JSON answer as status, headers and bytes: what a route gives Hummingbird as a `Response`,
/// and what the till fast path writes to the connection itself.
struct Answer: Sendable {
    var status: HTTPResponse.Status
    /// The content type and any route-specific headers; the server adds `Content-Length`,
    /// `Date` and `Server`.
    var headers: HTTPFields
    var body: [UInt8]

    init(_ status: HTTPResponse.Status, _ writer: JSONWriter) {
        self.status = status
        headers = HTTPFields()
        headers[.contentType] = "application/json"
        body = writer.bytes
    }

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A JSON answer from a tree of `Any` values (the rules in force arrive as one).
func json(_ status: HTTPResponse.Status, tree: Any) -> Response {
    var writer = JSONWriter()
    JSONText.write(tree, into: &writer)
    return json(status, writer)
}
