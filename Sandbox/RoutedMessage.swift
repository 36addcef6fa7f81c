import WABinary

/// A checked `<message>`: what the sender's ack says and what each addressed device gets.
struct RoutedMessage: Sendable {
    /// One addressed device's copy: `<message from id t type notify [recipient]><enc>…`.
    struct Delivery: Sendable {
        /// `phone:device@s.whatsapp.net`.
        var device: JID
        var stanza: Node
    }

    var id: String
    /// The conversation's user or group JID, the `from` of the sender's ack.
    var chat: JID
    /// Unix seconds, the server time for the message.
    var timestamp: Int64
    var deliveries: [Delivery]
    /// The server's participant hash when the sender's `phash` was another: its device lists are stale.
    var serverPHash: String? = nil

    /// `<ack class=message id from=<chat> t [phash]/>`.
    var ack: Node {
        var attributes: Attributes = ["class": "message", "id": .string(id), "from": .jid(chat), "t": .string(String(timestamp))]
        if let serverPHash { attributes["phash"] = .string(serverPHash) }
        return Node(tag: "ack", attributes: attributes)
    }
}
