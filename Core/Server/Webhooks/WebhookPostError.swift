/// Why a webhook POST got no HTTP status back. Descriptions name the host at most: URLs may
/// carry secrets in their query, and they end up in logs and the admin's dead-letter list.
enum WebhookPostError: Error, Equatable, CustomStringConvertible {
    /// The URL or the address its host resolved to is not an allowed destination.
    case refused(String)
    case unresolved(host: String)
    /// Connecting, the TLS handshake, writing or reading failed.
    case connection(String)
    case timedOut(Duration)
    /// The gateway is shutting down; the attempt does not count.
    case cancelled

    /// Another attempt may succeed; a refused destination stays refused.
    var isRetryable: Bool {
        if case .refused = self { return false }
        return true
    }

    var description: String {
        switch self {
        case .refused(let reason): reason
        case .unresolved(let host): "cannot resolve \(host)"
        case .connection(let reason): reason
        case .timedOut(let limit): "no response within \(limit)"
        case .cancelled: "cancelled"
        }
    }
}
