import NIOCore
import NIOHTTP1
import NIOPosix

/// An answer: the status and the body's bytes.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: [UInt8]
}

/// The connection closed, failed or timed out before the answer came; the request is retried.
struct TransportError: Error, CustomStringConvertible {
    var description: String
}

/// One keep-alive HTTP/1.1 connection, one request at a time, as a till holds it. Lean on
/// purpose: the tool shares the machine with the server it measures.
final class HTTPConnection: Sendable {
    let channel: any Channel
    let host: String

    private init(channel: any Channel, host: String) {
        self.channel = channel
        self.host = host
    }

    static func connect(host: String, port: Int, timeout: TimeAmount, group: any EventLoopGroup) async throws -> HTTPConnection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(AnswerHandler(timeout: timeout))
                }
            }
            .connect(host: host, port: port).get()
        return HTTPConnection(channel: channel, host: host)
    }

    func send(_ method: HTTPMethod, _ path: String, token: String, body: [UInt8]?) async throws -> HTTPAnswer {
        guard channel.isActive else { throw TransportError(description: "connection closed") }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Authorization", value: "Bearer \(token)")
        var buffer: ByteBuffer?
        if let body {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.count))
            buffer = channel.allocator.buffer(bytes: body)
        } else if method == .POST || method == .PUT {
            head.headers.add(name: "Content-Length", value: "0")
        }
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        channel.writeAndFlush(PendingRequest(head: head, body: buffer, promise: promise), promise: nil)
        return try await promise.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }
}

struct PendingRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var promise: EventLoopPromise<HTTPAnswer>
}

/// Writes requests and matches answers to them in order; a request that gets no answer within
/// the timeout closes the connection, which fails it.
final class AnswerHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = PendingRequest
    typealias OutboundOut = HTTPClientRequestPart

    private let timeout: TimeAmount
    private var waiting = CircularBuffer<(EventLoopPromise<HTTPAnswer>, Scheduled<Void>)>()
    private var status = 0
    private var body: [UInt8] = []

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
        waiting.append((request.promise, timer))
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body.removeAll(keepingCapacity: true)
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let (promise, timer) = waiting.popFirst() else { return }
            timer.cancel()
            promise.succeed(HTTPAnswer(status: status, body: body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(TransportError(description: "\(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(TransportError(description: "the server closed the connection or did not answer in time"))
        context.fireChannelInactive()
    }

    private func failAll(_ error: TransportError) {
        while let (promise, timer) = waiting.popFirst() {
            timer.cancel()
            promise.fail(error)
        }
    }
}
