import HTTPTypes
import KassaJournal
import NIOCore

/// Answers quotes and sales, the returns and voids of sales, and card lookups straight from a
/// connection's bytes, ahead of the HTTP decoder, and hands every other request to the
/// decoder byte for byte.
///
/// `TillFastPath` already kept quotes and sales on the event loop, but each still went through
/// the HTTP/1 decoder, a conversion to HTTP types and back, and three writes of the answer
/// (head, body, end) through the pipeline: under a hypermarket's load about a tenth of the
/// server's CPU. A till's request is plain, so here its head is read by `TillRequestHead`, and
/// the answer goes out as one buffer built by `TillWire.response`, from the same functions as the
/// routes (`quoteAnswer`, `saleCommand`, `saleAnswer`, `authorize`, `Wire`).
///
/// It sits first in the pipeline. Any other request is passed to the decoder whole, and nothing
/// after it is read here until its answer has been written (`TillFastPath` says when), so
/// answers keep request order. A request the head reader does not understand (another HTTP
/// version, a chunked body, an upgrade, a malformed head) turns the connection over to the
/// decoder for good: the full HTTP stack then accepts or refuses it exactly as before.
final class TillWire: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Heads longer than this are left to the decoder, which refuses them by its own limit.
    static let headBytesMax = 64 * 1024

    private let server: KassaServer
    /// Request metrics by `TillFastPath.Route.rawValue`.
    private let routeMetrics: [RouteMetrics]
    /// Bytes read and not yet answered here or handed to the decoder.
    private var unread: ByteBuffer?
    /// Bytes of the request being handed to the decoder that have not arrived yet.
    private var forwardBytes = 0
    /// Requests handed to the decoder whose answers have not ended yet.
    private var withDecoder = 0
    /// The decoder has the connection for good.
    private var passingThrough = false
    /// A sale is with the writer; its answer is not written yet.
    private var waiting = false
    /// The connection closes after the answer being written.
    private var closing = false
    /// Bytes went to the decoder since the last read-complete passed on.
    private var forwardedSinceComplete = false
    /// A quiesce event that arrived while a request was being read or answered here.
    private var heldEvent: Any?
    private var context: ChannelHandlerContext?
    /// What the connection keeps between requests: the last quote, for the sale that follows
    /// it, and the last token's holder.
    private let memo = ConnectionMemo()

    init(server: KassaServer) {
        self.server = server
        routeMetrics = TillFastPath.Route.metrics(of: server)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: - Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if passingThrough { return context.fireChannelRead(data) }
        if closing { return }
        if forwardBytes > 0 {
            let part = bytes.readSlice(length: min(forwardBytes, bytes.readableBytes))!
            forwardBytes -= part.readableBytes
            forward(part, context: context)
            if bytes.readableBytes == 0 { return }
        }
        if unread == nil || unread!.readableBytes == 0 {
            unread = bytes
        } else {
            unread!.writeBuffer(&bytes)
        }
        advance(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if passingThrough || forwardedSinceComplete {
            forwardedSinceComplete = false
            context.fireChannelReadComplete()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, !passingThrough, busy {
            heldEvent = event
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request is being read or answered here.
    private var busy: Bool { waiting || (unread?.readableBytes ?? 0) > 0 }

    /// Answers or hands on the requests in `unread`, in order, until one has to wait: for more
    /// bytes, for the writer, or for the decoder's answer.
    private func advance(context: ChannelHandlerContext) {
        while !waiting, !closing, withDecoder == 0, forwardBytes == 0, var buffer = unread, buffer.readableBytes > 0 {
            let reading = buffer.withUnsafeReadableBytes { TillRequestHead.read($0, headBytesMax: Self.headBytesMax) }
            switch reading {
            case .incomplete:
                return
            case .unsupported:
                passingThrough = true
                unread = nil
                forward(buffer, context: context)
                context.fireChannelReadComplete()
                forwardedSinceComplete = false
                passHeldEvent(context: context)
                return
            case .head(let head):
                let length = head.headBytes + head.bodyBytes
                if let route = head.route, head.bodyBytes <= server.configuration.bodyBytesMax, server.storage != nil {
                    // Answered here once the whole body is in.
                    guard buffer.readableBytes >= length else { return }
                    buffer.moveReaderIndex(forwardBy: head.headBytes)
                    let body = buffer.readBytes(length: head.bodyBytes) ?? []
                    unread = buffer
                    answer(route, head, body: body, context: context)
                } else {
                    // The decoder's: handed on as it arrives, and nothing after it is read
                    // until its answer has been written.
                    let now = min(length, buffer.readableBytes)
                    let part = buffer.readSlice(length: now)!
                    unread = buffer
                    forwardBytes = length - now
                    withDecoder += 1
                    forward(part, context: context)
                }
            }
        }
    }

    /// Passes `bytes` on to the HTTP decoder.
    private func forward(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        forwardedSinceComplete = true
        context.fireChannelRead(wrapInboundOut(bytes))
    }

    /// Called by `TillFastPath` when the answer to a request handed to the decoder has been
    /// written: the requests behind it may now be read.
    func decoderAnswered() {
        guard withDecoder > 0, let context else { return }
        withDecoder -= 1
        guard withDecoder == 0 else { return }
        resume(context: context)
    }

    /// Reads on after an answer that held the connection's later requests was written.
    private func resume(context: ChannelHandlerContext) {
        advance(context: context)
        if forwardedSinceComplete {
            // The decoder's side hands parts on at the end of a read; these were read earlier.
            forwardedSinceComplete = false
            context.fireChannelReadComplete()
        }
        passHeldEvent(context: context)
    }

    /// Passes on a quiesce event once nothing is being read or answered here.
    private func passHeldEvent(context: ChannelHandlerContext) {
        guard let event = heldEvent, !busy || passingThrough else { return }
        heldEvent = nil
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Answering

    private func answer(_ route: TillFastPath.Route, _ head: TillRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        let started = ContinuousClock.now
        if head.closes { closing = true }
        let now = server.tillAnswer(route, authorization: head.authorization, body: body, card: head.card, memo: memo,
                                    eventLoop: context.eventLoop) { [self] answer in
            waiting = false
            finish(route, answer, started: started, context: context)
            resume(context: context)
        }
        if let now { finish(route, now, started: started, context: context) } else { waiting = true }
    }

    /// Writes `answer` as one buffer, counts it, and closes the connection when asked to.
    private func finish(_ route: TillFastPath.Route, _ answer: Answer, started: ContinuousClock.Instant, context: ChannelHandlerContext) {
        let bytes = Self.response(answer, date: HTTPDate.now(), allocator: context.channel.allocator)
        // Counted before it is sent: a client that has its answer finds it counted in /metrics.
        routeMetrics[route.rawValue].record(status: Int(answer.status.code), elapsed: .now - started)
        if closing {
            unread = nil
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            // No promise for the usual keep-alive answer: one allocation and callback less.
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }
    }

    /// The bytes of `answer` as HTTP/1.1 puts them on the wire: the status line, the answer's
    /// fields, `Date`, `Server` and `Content-Length`, the body.
    static func response(_ answer: Answer, date: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: answer.body.count + 160)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(answer.status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(answer.status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for field in answer.headers {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("Date: ")
        buffer.writeString(date)
        buffer.writeStaticString("\r\nServer: kassa\r\nContent-Length: ")
        buffer.writeString(String(answer.body.count))
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(answer.body)
        return buffer
    }
}
