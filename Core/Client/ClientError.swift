import WABinary

/// Why a client operation failed, in words a REST caller can act on.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case notConnected
    case notLoggedIn
    case alreadyLinked
    /// The device was logged out and wiped; connect again to link anew.
    case loggedOut
    /// The connection closed after a message went out and before the server acknowledged it:
    /// it may or may not have been delivered.
    case disconnectedBeforeAck
    /// The server answered an IQ with `<error code text>`.
    case server(code: Int, text: String)

    public var description: String {
        switch self {
        case .notConnected: "not connected to WhatsApp"
        case .notLoggedIn: "not logged in"
        case .alreadyLinked: "this session is already linked to a WhatsApp account"
        case .loggedOut: "the device was logged out"
        case .disconnectedBeforeAck: "the connection to WhatsApp closed before it acknowledged the message"
        case .server(let code, let text): "WhatsApp refused the request: \(code) \(text)"
        }
    }

    /// Throws `.server` when `answer` is an `<iq type=error>`.
    static func check(_ answer: Node) throws(ClientError) {
        guard answer["type"]?.description == "error" else { return }
        let error = answer.child(tagged: "error")
        throw .server(
            code: error?["code"].flatMap { Int($0.description) } ?? 0, text: error?["text"]?.description ?? "")
    }
}
