import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An HTTP/1.1 connection that stays open between requests, which go one at a time: what
/// `HTTPClient.connection(to:)` opens for a caller that sends many requests to one host. A
/// connection whose exchange failed, timed out or was cancelled, or whose server asked to
/// close, is closed and says so in `isReusable`.
public final class HTTPKeepAliveConnection: Sendable {
    /// The scheme, host and port it is connected to.
    public let origin: String
    private let channel: any Channel
    private let handler: NIOLoopBound<HTTPExchangeHandler>
    private let requestTimeout: Duration
    /// False once an exchange failed or the server asked to close.
    private let keepsAlive = Mutex(true)

    init(
        channel: any Channel, handler: NIOLoopBound<HTTPExchangeHandler>, destination: HTTPDestination,
        requestTimeout: Duration
    ) {
        self.channel = channel
        self.handler = handler
        self.requestTimeout = requestTimeout
        origin = destination.origin
    }

    /// Whether another request may follow on this connection.
    public var isReusable: Bool {
        channel.isActive && keepsAlive.withLock { $0 }
    }

    /// Sends `request` (whose URL must name this connection's origin) and reads the whole
    /// response; `responseBodyLimit` is the most body bytes kept (0 keeps none).
    public func send(_ request: HTTPClientRequest, responseBodyLimit: Int) async throws(HTTPClientError)
        -> HTTPClientResponse
    {
        let target = try HTTPDestination(request.url)
        guard target.origin == origin else {
            throw .invalidURL("the request's URL is not on this connection's host")
        }
        let head = HTTPClient.head(of: request, to: target, keepAlive: true)
        let promise = channel.eventLoop.makePromise(of: HTTPExchangeHandler.Answer.self)
        channel.eventLoop.execute { [handler] in
            handler.value.send(head, body: request.body, bodyLimit: responseBodyLimit, promise: promise)
        }
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(requestTimeout)) { [handler, requestTimeout] in
            handler.value.fail(HTTPClientError.timedOut(requestTimeout))
        }
        defer { timeout.cancel() }
        do {
            let answer = try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: { [handler, channel] in
                channel.eventLoop.execute { handler.value.fail(HTTPClientError.cancelled) }
            }
            if !answer.keepsAlive { keepsAlive.withLock { $0 = false } }
            return answer.response
        } catch {
            keepsAlive.withLock { $0 = false }
            close()
            if let error = error as? HTTPClientError { throw error }
            throw .connection(String(describing: error))
        }
    }

    /// The origin `url` names (the key connections to it share), nil when it is not an http(s) URL.
    public static func origin(of url: URL) -> String? {
        try? HTTPDestination(url).origin
    }

    public func close() {
        channel.close(promise: nil)
    }
}
