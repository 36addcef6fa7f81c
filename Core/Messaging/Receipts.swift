import WABinary

/// Receipts and acks around messages: what a recipient sends after decrypting, and what a
/// sender acknowledges.
public enum Receipts {
    /// `<receipt id to [type]>`: delivery (no type), "read", or another receipt type.
    public static func receipt(for stanza: Node, type: String? = nil) -> Node? {
        guard let id = stanza["id"], let from = stanza["from"] else { return nil }
        var attributes: Attributes = ["id": id, "to": from]
        if let type { attributes["type"] = .string(type) }
        if let participant = stanza["participant"] { attributes["participant"] = participant }
        return Node(tag: "receipt", attributes: attributes)
    }

    /// `<ack class=<tag> id to [type] [participant]>` for a message, receipt or notification.
    public static func ack(for stanza: Node) -> Node? {
        guard let id = stanza["id"], let from = stanza["from"] else { return nil }
        var attributes: Attributes = ["id": id, "to": from, "class": .string(stanza.tag)]
        if let type = stanza["type"], stanza.tag != "message" { attributes["type"] = type }
        if let participant = stanza["participant"] { attributes["participant"] = participant }
        return Node(tag: "ack", attributes: attributes)
    }
}
