import WABinary

/// What a `WhatsAppSocket` reports, in order, on its `events` stream.
public enum WhatsAppSocketEvent: Sendable {
    /// The Noise handshake finished: the server accepted the certificate check and read the
    /// ClientPayload. `<success>`, `<failure>` or `pair-device` follows as a `.node`.
    case connected
    /// A stanza the socket did not consume itself (everything but IQ answers, pings and
    /// stream errors).
    case node(Node)
    /// The server ended the stream. The socket reconnects when `allowsReconnect` says so.
    case streamError(StreamError)
    /// `<failure reason=N>` after the handshake: 401 logged out, 403 banned, 405 outdated
    /// client. The socket reconnects only for 5xx reasons.
    case connectFailure(reason: Int)
    /// A keepalive ping went unanswered; `errorCount` failures in a row.
    case keepaliveTimeout(errorCount: Int)
    /// A ping was answered again after timeouts.
    case keepaliveRestored
    /// The connection ended, with the error that ended it if any.
    case disconnected((any Error)?)
    /// The next attempt starts after `delay`.
    case reconnecting(attempt: Int, delay: Duration)
}

/// Why a socket operation failed.
public enum WhatsAppSocketError: Error, Sendable, Equatable {
    /// No connection is established (between attempts, or before the first).
    case notConnected
    /// An IQ got no answer in time.
    case iqTimeout(id: String)
    /// The connection closed before an IQ was answered.
    case iqCancelled(id: String)
    /// Pings failed for longer than `KeepaliveSettings.maxFailureTime`.
    case keepaliveFailed
    /// The server sent a frame that is not a valid binary node.
    case malformedStanza
}
