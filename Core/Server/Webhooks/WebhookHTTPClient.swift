import Foundation
import WagoHTTPClient

/// Posts webhook requests and returns the response status without reading the body. The URL
/// policy is applied twice: to the URL's literal host, and (through `HTTPClient`'s address
/// check) to the address the host resolves to, which is the one connected to.
struct WebhookHTTPClient: Sendable {
    let urlPolicy: OutboundURLPolicy
    private let client: HTTPClient

    init(urlPolicy: OutboundURLPolicy, connectTimeout: Duration, requestTimeout: Duration) throws {
        self.urlPolicy = urlPolicy
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
            return try await client.send(post, responseBodyLimit: 0).status
        } catch {
            throw Self.postError(error)
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
