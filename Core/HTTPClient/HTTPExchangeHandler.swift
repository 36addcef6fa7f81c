import NIOCore
import NIOHTTP1

/// The handler at the end of a kept-alive connection's pipeline: writes one request at a time
/// and completes its promise with the whole response (its body read to the end, so the next
/// request can follow on the same connection) and whether the server keeps the connection
/// open. Used on its channel's event loop only.
final class HTTPExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    typealias Answer = (response: HTTPClientResponse, keepsAlive: Bool)

    private struct Exchange {
        let promise: EventLoopPromise<Answer>
        /// The most body bytes kept; 0 reads the body but keeps none.
        let bodyLimit: Int
        var head: HTTPResponseHead?
        var body: [UInt8] = []
    }

    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    /// Whether the server said it keeps the connection open after the last response.
    private var keepsAlive = true

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        fail(HTTPClientError.connection("the connection closed before the response ended"))
    }

    /// Writes the request; `promise` gets the response, or the connection's failure.
    func send(
        _ head: HTTPRequestHead, body: [UInt8], bodyLimit: Int, promise: EventLoopPromise<Answer>
    ) {
        guard let context, exchange == nil, keepsAlive else {
            promise.fail(HTTPClientError.connection("the connection cannot take another request"))
            return
        }
        exchange = Exchange(promise: promise, bodyLimit: bodyLimit)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil) }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenFailure { handler.value.fail($0) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var current = exchange else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if current.bodyLimit > 0, let length = head.headers.first(name: "Content-Length").flatMap(Int.init),
                length > current.bodyLimit
            {
                fail(HTTPClientError.responseTooLarge(limit: current.bodyLimit))
                context.close(promise: nil)
                return
            }
            current.head = head
            keepsAlive = head.isKeepAlive
        case .body(let buffer):
            guard current.bodyLimit > 0 else { return }
            guard current.body.count + buffer.readableBytes <= current.bodyLimit else {
                fail(HTTPClientError.responseTooLarge(limit: current.bodyLimit))
                context.close(promise: nil)
                return
            }
            current.body.append(contentsOf: buffer.readableBytesView)
        case .end:
            exchange = nil
            guard let head = current.head else {
                current.promise.fail(HTTPClientError.connection("a response ended without a head"))
                context.close(promise: nil)
                return
            }
            let headers = head.headers.map { (name: $0.name, value: $0.value) }
            current.promise.succeed(
                (HTTPClientResponse(status: Int(head.status.code), headers: headers, body: current.body), keepsAlive))
            if !keepsAlive { context.close(promise: nil) }
            return
        }
        exchange = current
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepsAlive = false
        fail(HTTPClientError.connection("the server closed the connection before the response ended"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        keepsAlive = false
        fail(error)
        context.close(promise: nil)
    }

    /// Fails the request in flight, if any; the connection is not used again.
    func fail(_ error: any Error) {
        keepsAlive = false
        guard let current = exchange else { return }
        exchange = nil
        current.promise.fail(error)
    }
}
