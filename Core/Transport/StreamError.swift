import WABinary

/// Why the server ended a stream, as `<stream:error>` says it. The client reacts per case
/// (whatsmeow's `handleStreamError`); the sandbox sends the same nodes.
public enum StreamError: Sendable, Hashable {
    /// `code=515`: reconnect now and log in again (sent after pairing, and on server restarts).
    case restartRequired
    /// `code=401` alone: the session is no longer valid.
    case loggedOut
    /// `code=401` with `<conflict type=device_removed/>`: the phone unlinked this device.
    case deviceRemoved
    /// `<conflict type=replaced/>`: another connection logged in as the same device.
    case replaced
    /// `code=503`: the server is busy; reconnect later.
    case serviceUnavailable
    /// `<xml-not-well-formed/>`: the server could not parse a stanza of ours.
    case malformedStanza
    /// Any other code or child, kept for the logs.
    case other(code: String?, condition: String?)

    /// Classifies a `<stream:error>` node; nil for any other tag.
    public init?(_ node: Node) {
        guard node.tag == Self.tag else { return nil }
        let code = node["code"]?.description
        let conflict = node.child(tagged: "conflict")?["type"]?.description
        switch (code, conflict) {
        case ("515", _): self = .restartRequired
        case ("401", "device_removed"): self = .deviceRemoved
        case (_, "replaced"): self = .replaced
        case ("401", _): self = .loggedOut
        case ("503", _): self = .serviceUnavailable
        case _ where node.child(tagged: "xml-not-well-formed") != nil: self = .malformedStanza
        default: self = .other(code: code, condition: conflict ?? node.children.first?.tag)
        }
    }

    /// The `<stream:error>` node a server sends for this error.
    public var node: Node {
        let tag = Self.tag
        switch self {
        case .restartRequired: return Node(tag: tag, attributes: ["code": "515"])
        case .loggedOut: return Node(tag: tag, attributes: ["code": "401"])
        case .deviceRemoved:
            return Node(tag: tag, attributes: ["code": "401"], content: .nodes([Self.conflict("device_removed")]))
        case .replaced: return Node(tag: tag, content: .nodes([Self.conflict("replaced")]))
        case .serviceUnavailable: return Node(tag: tag, attributes: ["code": "503"])
        case .malformedStanza: return Node(tag: tag, content: .nodes([Node(tag: "xml-not-well-formed")]))
        case .other(let code, let condition):
            return Node(
                tag: tag, attributes: code.map { ["code": .string($0)] } ?? [:],
                content: condition.map { .nodes([Node(tag: $0)]) } ?? .none)
        }
    }

    /// Whether a client should connect again: false when the device is no longer linked or
    /// another connection took over.
    public var allowsReconnect: Bool {
        switch self {
        case .loggedOut, .deviceRemoved, .replaced: false
        case .restartRequired, .serviceUnavailable, .malformedStanza, .other: true
        }
    }

    static let tag = "stream:error"

    private static func conflict(_ type: String) -> Node {
        Node(tag: "conflict", attributes: ["type": .string(type)])
    }
}
