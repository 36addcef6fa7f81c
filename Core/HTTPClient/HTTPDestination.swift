import Foundation

/// Where a request goes, read from its URL.
struct HTTPDestination: Sendable {
    var tls: Bool
    /// The host without IPv6 brackets: what is resolved and sent as TLS server name.
    var host: String
    var port: Int
    /// Path and query, as sent on the request line.
    var target: String
    var hostHeader: String

    /// Scheme, host and port: requests to one origin may share a kept-alive connection.
    var origin: String { "\(tls ? "https" : "http")://\(hostHeader):\(port)" }

    init(_ url: URL) throws(HTTPClientError) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            throw .invalidURL("not a URL")
        }
        switch components.scheme?.lowercased() {
        case "https": tls = true
        case "http": tls = false
        default: throw .invalidURL("the scheme must be http or https")
        }
        guard let host = components.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
            throw .invalidURL("no host")
        }
        self.host = host
        port = components.port ?? (tls ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        target = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        let bracketed = host.contains(":") ? "[\(host)]" : host
        hostHeader = components.port.map { "\(bracketed):\($0)" } ?? bracketed
    }
}
