import Foundation
import Synchronization
import WagoHTTPClient

/// Posts webhook requests and returns the response status, keeping the body of none. The URL
/// policy is applied twice: to the URL's literal host, and (through `HTTPClient`'s address
/// check) to the address the host resolves to, which is the one connected to. Connections are
/// kept alive and reused, one request at a time each: a post on a fresh connection costs a
/// resolve, a connect (and a TLS handshake), and the receiver an accept.
final class WebhookHTTPClient: Sendable {
    let urlPolicy: OutboundURLPolicy
    private let client: HTTPClient
    /// Connections waiting for their next request, by origin; at most `maxIdle` each.
    private let idle = Mutex<[String: [HTTPKeepAliveConnection]]>([:])
    private let maxIdle: Int

    init(urlPolicy: OutboundURLPolicy, connectTimeout: Duration, requestTimeout: Duration, maxIdle: Int) throws {
        self.urlPolicy = urlPolicy
        self.maxIdle = maxIdle
        client = try HTTPClient(
            connectTimeout: connectTimeout, requestTimeout: requestTimeout,
            addressCheck: { urlPolicy.refusal(connectingTo: $0) })
    }

    /// The response's status code.
    func post(_ request: WebhookRequest) async throws(WebhookPostError) -> Int {
        // The literal host first: a URL stored before a policy change is checked again.
        do {
            _ = try urlPolicy.validate(request.url.absoluteString, field: "WebhookURL")
        } catch let error as APIError {
            throw .refused(error.message)
        } catch {
            throw .refused("WebhookURL is not valid: \(error)")
        }
        var headers = [
            (name: "User-Agent", value: "wago/\(WagoVersion.current)"), (name: "Content-Type", value: request.contentType),
        ]
        headers += request.headers
        let post = HTTPClientRequest(method: .post, url: request.url, headers: headers, body: Array(request.body))
        do throws(HTTPClientError) {
            if let connection = takeIdleConnection(to: request.url) {
                do throws(HTTPClientError) {
                    return try await send(post, on: connection)
                } catch .connection {
                    // The receiver closed the idle connection (its keep-alive timeout): a
                    // fresh one takes the request.
                }
            }
            return try await send(post, on: try await client.connection(to: request.url))
        } catch {
            throw Self.postError(error)
        }
    }

    /// The response's status; the connection goes back to the idle ones when it may be reused.
    private func send(_ post: HTTPClientRequest, on connection: HTTPKeepAliveConnection) async throws(HTTPClientError)
        -> Int
    {
        let status = try await connection.send(post, responseBodyLimit: 0).status
        guard connection.isReusable else { return status }
        let kept = idle.withLock { idle in
            guard idle[connection.origin, default: []].count < maxIdle else { return false }
            idle[connection.origin, default: []].append(connection)
            return true
        }
        if !kept { connection.close() }
        return status
    }

    /// An idle connection to `url`'s origin that is still open, if any.
    private func takeIdleConnection(to url: URL) -> HTTPKeepAliveConnection? {
        guard let origin = HTTPKeepAliveConnection.origin(of: url) else { return nil }
        return idle.withLock { idle in
            while let connection = idle[origin]?.popLast() {
                if connection.isReusable { return connection }
                connection.close()
            }
            return nil
        }
    }

    /// What an HTTP exchange's failure means for a delivery.
    private static func postError(_ error: HTTPClientError) -> WebhookPostError {
        switch error {
        case .refused(let host, let reason): .refused("WebhookURL host \(host) resolves to \(reason)")
        case .invalidURL(let reason): .refused("WebhookURL is not valid: \(reason)")
        case .unresolved(let host): .unresolved(host: host)
        case .timedOut(let limit): .timedOut(limit)
        case .cancelled: .cancelled
        case .connection, .responseTooLarge, .tlsConfiguration: .connection(error.description)
        }
    }
}
