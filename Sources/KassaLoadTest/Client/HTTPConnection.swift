import NIOCore
import NIOPosix

/// The methods the load test sends.
enum RequestMethod: String, Sendable {
    case GET, POST, PUT
}

/// An answer: the status and the body's bytes.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: ByteBuffer

    var bytes: [UInt8] { Array(body.readableBytesView) }
    var text: String { String(buffer: body) }
}

/// The connection closed, failed or timed out before the answer came; the request is retried.
struct TransportError: Error, CustomStringConvertible {
    var description: String
}

/// One keep-alive HTTP/1.1 connection, one request at a time, as a till holds it. Lean on
/// purpose: the tool shares the machine with the server it measures, so requests are written
/// as one buffer and answers read by `HTTPAnswerParser` rather than through NIO's HTTP codec.
final class HTTPConnection: Sendable {
    let channel: any Channel
    let host: String

    private init(channel: any Channel, host: String) {
        self.channel = channel
        self.host = host
    }

    static func connect(host: String, port: Int, timeout: TimeAmount, eventLoop: any EventLoop) async throws -> HTTPConnection {
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AnswerHandler(timeout: timeout))
                }
            }
            .connect(host: host, port: port).get()
        return HTTPConnection(channel: channel, host: host)
    }

    /// Sends a request with a JSON body (written by `body`), or none, and waits for its answer.
    func send(_ method: RequestMethod, _ path: String, token: String, body: ((inout ByteBuffer) -> Void)?) async throws -> HTTPAnswer {
        guard channel.isActive else { throw TransportError(description: "connection closed") }
        // The body is written first, after room for the head, so that the head (which needs the
        // body's length) can go in front of it without copying either.
        let headRoom = 128 + host.utf8.count + path.utf8.count + token.utf8.count
        var request = channel.allocator.buffer(capacity: headRoom + 4_096)
        request.moveWriterIndex(forwardBy: headRoom)
        request.moveReaderIndex(forwardBy: headRoom)
        body?(&request)
        let contentLength = body == nil ? nil : request.readableBytes
        var headLength = 0
        head(method, path, token: token, contentLength: contentLength) { headLength += $0.count }
        precondition(headLength <= headRoom, "a request's head outgrew the room reserved for it")
        var index = headRoom - headLength
        request.moveReaderIndex(to: index)
        head(method, path, token: token, contentLength: contentLength) { bytes in
            index += request.setBytes(bytes, at: index)
        }
        // The answer resumes the task straight from the handler: no promise, future and
        // callback between them, which cost the tool an allocation and a hop per request.
        return try await withUnsafeThrowingContinuation { answer in
            channel.writeAndFlush(PendingRequest(bytes: request, answer: answer), promise: nil)
        }
    }

    /// Hands the request's head to `put` piece by piece: once to measure it, once to write it.
    private func head(_ method: RequestMethod, _ path: String, token: String, contentLength: Int?, _ put: (UnsafeRawBufferPointer) -> Void) {
        func text(_ text: String) {
            var text = text
            text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
        }
        func raw(_ text: StaticString) {
            text.withUTF8Buffer { put(UnsafeRawBufferPointer($0)) }
        }
        text(method.rawValue)
        raw(" ")
        text(path)
        raw(" HTTP/1.1\r\nHost: ")
        text(host)
        raw("\r\nAuthorization: Bearer ")
        text(token)
        if let contentLength {
            raw("\r\nContent-Type: application/json\r\nContent-Length: ")
            text(String(contentLength))
            raw("\r\n\r\n")
        } else if method == .GET {
            raw("\r\n\r\n")
        } else {
            raw("\r\nContent-Length: 0\r\n\r\n")
        }
    }

    func close() async {
        try? await channel.close()
    }
}

struct PendingRequest: Sendable {
    /// The whole request: head and body.
    var bytes: ByteBuffer
    /// Resumed once, with the answer or the failure of the connection.
    var answer: UnsafeContinuation<HTTPAnswer, any Error>
}

/// Writes requests and matches answers to them in order; a request that gets no answer within
/// the timeout closes the connection, which fails it.
final class AnswerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PendingRequest
    typealias OutboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var waiting = CircularBuffer<(answer: UnsafeContinuation<HTTPAnswer, any Error>, deadline: NIODeadline)>()
    private var parser = HTTPAnswerParser()
    /// What was received and not yet read as an answer.
    private var received = ByteBuffer()
    /// One timer for the oldest request, not one per request: it is armed once per timeout, not
    /// scheduled and cancelled for every answer.
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        let deadline = NIODeadline.now() + timeout
        waiting.append((request.answer, deadline))
        if timer == nil { arm(context: context, at: deadline) }
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if received.readableBytes == 0 {
            received = incoming
        } else {
            received.writeBuffer(&incoming)
        }
        do {
            while let parsed = try parser.next(&received) {
                deliver(parsed, context: context)
            }
        } catch {
            failAll(TransportError(description: "the server's answer could not be read: \(error)"))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(TransportError(description: "\(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        do {
            if let parsed = try parser.end(&received) { deliver(parsed, context: context) }
        } catch {
            failAll(TransportError(description: "the server's answer could not be read: \(error)"))
        }
        failAll(TransportError(description: "the server closed the connection or did not answer in time"))
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A request still waiting would otherwise never be resumed.
        failAll(TransportError(description: "the connection was closed before the answer came"))
    }

    private func deliver(_ parsed: HTTPAnswerParser.Parsed, context: ChannelHandlerContext) {
        guard let (answer, _) = waiting.popFirst() else {
            // An answer nobody asked for: the connection can no longer be trusted to pair them.
            context.close(promise: nil)
            return
        }
        answer.resume(returning: parsed.answer)
        if parsed.closes { context.close(promise: nil) }
    }

    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.timerFired(context: context)
        }
    }

    /// Closes the connection if its oldest request is past its deadline, else waits for that deadline.
    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        guard let oldest = waiting.first else { return }
        if oldest.deadline <= .now() {
            context.close(promise: nil)
        } else {
            arm(context: context, at: oldest.deadline)
        }
    }

    private func failAll(_ error: TransportError) {
        while let (answer, _) = waiting.popFirst() {
            answer.resume(throwing: error)
        }
    }
}
