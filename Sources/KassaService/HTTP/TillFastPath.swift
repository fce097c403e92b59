import Foundation
import Hummingbird
import KassaCore
import KassaJournal
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Answers the requests tills send for every receipt, `POST /v1/quotes` and `POST /v1/sales`,
/// and their returns and voids (`POST /v1/returns`, `POST /v1/voids`), on the connection's event
/// loop, and passes every other request on to the router unchanged.
///
/// Through the router, each request crossed from the event loop to an async task and back, with
/// a request and response object, a logger and a route lookup on the way; under a hypermarket's
/// load that was about a quarter of the server's CPU. Here a quote is priced on the event loop
/// and a sale goes from the event loop to the journal writer and back, and both use the same
/// functions as the routes (`KassaServer.quoteAnswer`, `saleCommand`, `saleAnswer`,
/// `authorize`), so the answers are the same bytes.
///
/// Most of them never reach it: `TillWire`, which it puts ahead of the HTTP decoder, answers the
/// plain ones from the connection's bytes. What comes here is what the wire hands the decoder:
/// requests for the router, and till requests the wire leaves alone (a chunked
/// body, a body over the limit, `Expect`, a connection the wire gave up on).
///
/// It sits in the pipeline after HTTP decoding and before Hummingbird's connection handler. One
/// connection's answers stay in request order: a request is taken here only when no earlier
/// request on the connection is still with the router, and while a sale is with the writer the
/// parts of later requests wait here until its answer is written.
final class TillFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The requests answered here, and by `TillWire`.
    enum Route: Int, CaseIterable {
        case quote
        case sale
        case saleReturn
        case void
        /// `GET /v1/customers/{card}`: a till's checkout summary of the card, or the full card
        /// for staff, whose every read is audited. Only `TillWire` answers it; a lookup the HTTP
        /// decoder reads goes to the router.
        case customer

        var roles: Set<Role> { self == .customer ? Self.lookupRoles : Self.tillRoles }
        private static let tillRoles: Set<Role> = [.till]
        private static let lookupRoles: Set<Role> = [.till, .staff]

        /// The route's path as `TillRequestHead` matches it against a request line's bytes: the
        /// whole path, or for `customer` the part before the card number.
        var staticPath: StaticString {
            switch self {
            case .quote: "/v1/quotes"
            case .sale: "/v1/sales"
            case .saleReturn: "/v1/returns"
            case .void: "/v1/voids"
            case .customer: "/v1/customers/"
            }
        }

        /// The route's method.
        var method: HTTPRequest.Method { self == .customer ? .get : .post }

        /// The route's path as the router names it.
        var path: String { self == .customer ? "/v1/customers/{card}" : staticPath.description }

        /// The route of a decoded request head, when it is one `TillFastPath` answers: the
        /// posted ones.
        init?(_ head: HTTPRequest) {
            guard head.method == .post, var path = head.path else { return nil }
            if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
            guard let route = Route.allCases.first(where: { $0.method == .post && $0.path == path }) else { return nil }
            self = route
        }

        /// Each route's request metrics, by `rawValue`, as the router names them.
        static func metrics(of server: KassaServer) -> [RouteMetrics] {
            allCases.map { server.routeMetrics($0.path, method: $0.method.rawValue) }
        }
    }

    /// A request being read or answered here.
    private struct Taken {
        var route: Route
        var head: HTTPRequest
        var started: ContinuousClock.Instant
        var body: ByteBuffer?
        var tooLarge = false
    }

    private let server: KassaServer
    /// Request metrics by `Route.rawValue`.
    private let routeMetrics: [RouteMetrics]
    private var taken: Taken?
    /// A sale is with the writer; its answer is not written yet.
    private var waiting = false
    /// Requests passed on to the router whose answers have not ended yet.
    private var withRouter = 0
    /// Parts that arrived while a sale was with the writer, in order.
    private var held: [HTTPRequestPart] = []
    /// A quiesce event that arrived while a request was being answered here.
    private var heldEvent: Any?
    /// What the connection keeps between requests: the last quote, for the sale that follows
    /// it, and the last token's holder.
    private let memo = ConnectionMemo()
    /// The reader in front of the HTTP decoder, told when each answer to a request it handed
    /// on has been written.
    private var wire: TillWire?

    init(server: KassaServer) {
        self.server = server
        routeMetrics = Route.metrics(of: server)
    }

    /// Puts a `TillWire` first in the pipeline, ahead of the HTTP decoder.
    func handlerAdded(context: ChannelHandlerContext) {
        TillFastPath.probeIdlePeer(context.channel)
        let wire = TillWire(server: server)
        do {
            try context.pipeline.syncOperations.addHandler(wire, position: .first)
            self.wire = wire
        } catch {
            // Without it every request goes through the decoder and is still answered here.
        }
    }

    /// TCP keep-alive on a connection: after `keepAliveIdle` seconds without traffic the
    /// system probes the peer every `keepAliveInterval` seconds, and closes the connection
    /// when `keepAliveProbes` probes in a row go unanswered.
    ///
    /// A till switched off at the wall, or a handheld that left the store's network, sends no
    /// FIN; without probes its connection would stay open for good, holding a descriptor and a
    /// place under the connection limit (`ConnectionLimit`), one more each time it happens. A
    /// live peer's system answers the probes itself, so an idle till keeps its connection.
    static func probeIdlePeer(_ channel: any Channel) {
        guard let options = channel.syncOptions else { return }
        try? options.setOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
        try? options.setOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPIDLE)), value: keepAliveIdle)
        try? options.setOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPINTVL)), value: keepAliveInterval)
        try? options.setOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPCNT)), value: keepAliveProbes)
    }

    static let keepAliveIdle = 60
    static let keepAliveInterval = 10
    static let keepAliveProbes = 6

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if waiting || !held.isEmpty {
            held.append(part)
            return
        }
        read(part, context: context)
    }

    private func read(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            if withRouter == 0, let route = Route(head), server.storage != nil {
                taken = Taken(route: route, head: head, started: .now)
            } else {
                withRouter += 1
                context.fireChannelRead(wrapInboundOut(part))
            }
        case .body(let bytes):
            guard var request = taken else { return context.fireChannelRead(wrapInboundOut(part)) }
            taken = nil
            if !request.tooLarge {
                let size = (request.body?.readableBytes ?? 0) + bytes.readableBytes
                if size > server.configuration.bodyBytesMax {
                    request.tooLarge = true
                    request.body = nil
                } else if request.body == nil {
                    request.body = bytes
                } else {
                    var incoming = bytes
                    request.body!.writeBuffer(&incoming)
                }
            }
            taken = request
        case .end:
            guard let request = taken else { return context.fireChannelRead(wrapInboundOut(part)) }
            taken = nil
            answer(request, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, taken != nil || waiting || !held.isEmpty {
            heldEvent = event
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the router's answers pass through here; this handler writes its own from its
        // context, past itself.
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        withRouter = max(0, withRouter - 1)
        context.write(data, promise: promise)
        // Not from inside this write: the wire may hand the decoder the next request.
        if let wire {
            let bound = NIOLoopBound(wire, eventLoop: context.eventLoop)
            context.eventLoop.execute { bound.value.decoderAnswered() }
        }
    }

    // MARK: - Answering

    private func answer(_ request: Taken, context: ChannelHandlerContext) {
        let body = request.body.map { Array($0.readableBytesView) } ?? []
        let now = server.tillAnswer(request.route, authorization: request.head.headerFields[.authorization], body: body,
                                    tooLarge: request.tooLarge, memo: memo, eventLoop: context.eventLoop) { [self] answer in
            waiting = false
            finish(request, answer, context: context)
            release(context: context)
        }
        if let now { finish(request, now, context: context) } else { waiting = true }
    }

    /// Writes `answer`, counts it, and closes the connection when the request asked for that.
    private func finish(_ request: Taken, _ answer: Answer, context: ChannelHandlerContext) {
        var head = HTTPResponse(status: answer.status, headerFields: answer.headers)
        head.headerFields[.date] = HTTPDate.now()
        head.headerFields[.server] = "kassa"
        head.headerFields[.contentLength] = String(answer.body.count)
        // Counted before it is sent: a client that has its answer finds it counted in /metrics.
        routeMetrics[request.route.rawValue].record(status: Int(answer.status.code), elapsed: .now - request.started)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: answer.body))), promise: nil)
        if request.head.headerFields[.connection] == "close" {
            // The future completes on the connection's event loop, where the context may be used.
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        } else {
            // No promise for the usual keep-alive answer: one allocation and callback less.
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        passHeldEvent(context: context)
        if let wire {
            let bound = NIOLoopBound(wire, eventLoop: context.eventLoop)
            context.eventLoop.execute { bound.value.decoderAnswered() }
        }
    }

    /// Passes on a quiesce event once nothing is being answered or held here.
    private func passHeldEvent(context: ChannelHandlerContext) {
        guard let event = heldEvent, taken == nil, !waiting, held.isEmpty else { return }
        heldEvent = nil
        context.fireUserInboundEventTriggered(event)
    }

    /// Reads the parts held while a sale was with the writer, until they run out or another
    /// sale goes to the writer.
    private func release(context: ChannelHandlerContext) {
        guard !held.isEmpty else { return }
        while !waiting && !held.isEmpty {
            read(held.removeFirst(), context: context)
        }
        // The router's side hands parts on at the end of a read; these were read earlier.
        context.fireChannelReadComplete()
        passHeldEvent(context: context)
    }
}

extension KassaServer {
    /// A till's quote, sale, return, void or card lookup answered the same way by `TillWire`
    /// and `TillFastPath`: the caller's role checked, then the quote priced or the card looked
    /// up at once, or the command handed to the journal writer. Returns the answer when it is
    /// ready now (a quote, a lookup, any refusal); nil when the command went to the writer, and
    /// `later` then gets its answer on `eventLoop`.
    ///
    /// `memo` is the connection's: a quote leaves its body as read and its pricing there, and
    /// the sale after it reads only its payments when it repeats the quote's bytes
    /// (`SaleBodyReader.receipt(_:extending:)`) and takes the pricing to the writer
    /// (`QuotedPricing`). `card` is the lookup's card number as the path gave it.
    func tillAnswer(_ route: TillFastPath.Route, authorization: String?, body: [UInt8], card: String? = nil, tooLarge: Bool = false,
                    memo: ConnectionMemo? = nil, eventLoop: any EventLoop, later: @escaping (Answer) -> Void) -> Answer? {
        // Only missing if storage went away mid-request, which it does not; answer as the
        // router would while recovering.
        guard let storage else { return APIError.recovering.answer }
        do throws(APIError) {
            let principal = try authorize(authorization, roles: route.roles, memo: memo)
            if tooLarge { throw bodyTooLarge }
            // A quote's body and pricing serve the very next request on the connection only.
            let quoted = memo?.last, quotedBody = memo?.body
            memo?.last = nil
            memo?.body = nil
            let command: LedgerCommand
            // A staff member's lookup: answered once its audit record is durable.
            var found: FoundCustomer?
            switch route {
            case .quote:
                return try quoteAnswer(body, storage: storage, memo: memo)
            case .customer:
                if principal.role == .till { return try customerSummaryAnswer(card ?? "", storage: storage) }
                let customer = try customerOffers(card ?? "", storage: storage)
                found = customer
                command = .audit(AuditRecord(actor: principal.name, role: principal.role.rawValue, action: "read_customer",
                                             subject: customer.card.description))
            case .sale:
                command = try saleCommand(body, extending: quotedBody)
            case .saleReturn:
                command = .saleReturn(try Wire.saleReturn(try JSONObject.parse(body), limits: wireLimits))
            case .void:
                command = .void(try Wire.void(try JSONObject.parse(body)))
            }
            let later = NIOLoopBound(later, eventLoop: eventLoop)
            storage.committer.submit(command, quoted: route == .sale ? quoted : nil) { [self, found] outcome in
                // The writer thread: only the hop back to the event loop happens here.
                later.eventLoop.execute {
                    let answer: Answer
                    do throws(APIError) {
                        answer = try self.commandAnswer(route, outcome, found: found)
                    } catch {
                        answer = error.answer
                    }
                    later.value(answer)
                }
            }
            return nil
        } catch {
            return error.answer
        }
    }

    /// The answer to a till's sale, return or void, or a staff member's audited lookup of
    /// `found`, once the writer settled it, as its route gives it.
    func commandAnswer(_ route: TillFastPath.Route, _ outcome: CommitOutcome, found: FoundCustomer? = nil) throws(APIError) -> Answer {
        switch route {
        case .sale, .quote:
            // A quote never goes to the writer; were it to, it would be answered as a sale.
            return try saleAnswer(outcome)
        case .customer:
            guard let found else { throw .unexpectedAnswer }
            return try settle(outcome, created: .ok) { _, w in customerCard(found, into: &w) }
        case .saleReturn:
            return try settle(outcome) { answer, w throws(APIError) in
                guard case .saleReturn(let record) = answer else { throw .unexpectedAnswer }
                Wire.saleReturn(record, into: &w)
            }
        case .void:
            return try settle(outcome) { answer, w throws(APIError) in
                guard case .void(let record) = answer else { throw .unexpectedAnswer }
                Wire.void(record, into: &w)
            }
        }
    }

    /// The handlers Hummingbird puts in each connection's pipeline: the till fast path.
    public func connectionHandlers() -> [any RemovableChannelHandler] {
        [TillFastPath(server: self)]
    }
}

/// What a connection keeps from one request to the next. Used on the connection's event loop
/// only.
final class ConnectionMemo {
    /// The last quote's pricing and its body as read, for the sale that follows it (the
    /// sale's body is usually the same bytes with payments added).
    var last: QuotedPricing?
    var body: SaleBodyReader.Read?
    /// The last `Authorization` field that named a token, the token's holder, and the token
    /// store's revision then: a till sends the same field with every request, and the holder
    /// of a token stays the same while the store is unchanged (`KassaServer.authorize`).
    var authorization: (field: String, principal: Principal, revision: Int)?
}

/// The `Date` header's text (RFC 9110 IMF-fixdate), made once a second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        let second = time(nil)
        return cache.withLock { cache in
            if cache.second == second { return cache.text }
            var now = second
            var parts = tm()
            gmtime_r(&now, &parts)
            let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buffer in
                let count = strftime(buffer.baseAddress!, 40, "%a, %d %b %Y %H:%M:%S GMT", &parts)
                return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: count).bindMemory(to: UInt8.self), as: UTF8.self)
            }
            cache = (second, text)
            return text
        }
    }
}
