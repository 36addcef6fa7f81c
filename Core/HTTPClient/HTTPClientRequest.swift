import Foundation

/// One outbound HTTP request: what `HTTPClient.send` puts on the wire, besides the `Host`,
/// `Content-Length` and `Connection: close` headers it adds itself.
public struct HTTPClientRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", delete = "DELETE", patch = "PATCH", head = "HEAD"
    }

    public var method: Method
    /// An absolute http or https URL.
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: Method, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
