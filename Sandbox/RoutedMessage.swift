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
    /// The conversation's user JID, the `from` of the sender's ack.
    var chat: JID
    /// Unix seconds, the server's time for the message.
    var timestamp: Int64
    var deliveries: [Delivery]

    /// `<ack class=message id from=<chat> t/>`.
    var ack: Node {
        Node(
            tag: "ack",
            attributes: ["class": "message", "id": .string(id), "from": .jid(chat), "t": .string(String(timestamp))])
    }
}
