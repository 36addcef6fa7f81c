/// Why an HTTP exchange produced no response. Descriptions name the host at most: URLs may
/// carry secrets in their query, and these end up in logs.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an absolute http or https URL with a host; says what is missing.
    case invalidURL(String)
    /// The address the host resolved to failed the caller's address check; the reason is the check's.
    case refused(host: String, reason: String)
    case unresolved(host: String)
    /// Connecting, the TLS handshake, writing or reading failed.
    case connection(String)
    case timedOut(Duration)
    /// The response body is longer than the byte limit the caller gave.
    case responseTooLarge(limit: Int)
    /// The extra CA file could not be loaded; names the file.
    case tlsConfiguration(file: String, reason: String)
    case cancelled

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid URL: \(reason)"
        case .refused(let host, let reason): "host \(host) resolves to \(reason)"
        case .unresolved(let host): "cannot resolve \(host)"
        case .connection(let reason): reason
        case .timedOut(let limit): "no response within \(limit)"
        case .responseTooLarge(let limit): "the response body is larger than \(limit) bytes"
        case .tlsConfiguration(let file, let reason): "cannot load the CA file \(file): \(reason)"
        case .cancelled: "cancelled"
        }
    }
}
