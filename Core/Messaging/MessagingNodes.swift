import WABinary

/// Small pieces of stanza building both sides share.
enum MessagingNodes {
    /// `s.whatsapp.net` as a JID value.
    static let server = JID(user: "", server: JID.userServer)

    /// `type=result`, the request's id, from the server.
    static func resultAttributes(for iq: Node) -> Attributes {
        var attributes: Attributes = ["from": .jid(server), "type": "result"]
        if let id = iq["id"] { attributes["id"] = id }
        return attributes
    }
}
