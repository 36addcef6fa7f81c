import WABinary

/// `types.MessageSource`: who sent a message (or receipt, or chat state) and in which chat.
/// Embedded, so its fields are written into the outer object.
public struct MessageSource: Sendable, Hashable, GoJSONEmbeddable {
    public var chat: JID = .goZero
    public var sender: JID = .goZero
    public var isFromMe = false
    public var isGroup = false
    /// `"pn"`, `"lid"` or `""` (the stanza's `addressing_mode`).
    public var addressingMode = ""
    public var senderAlt: JID = .goZero
    public var recipientAlt: JID = .goZero
    public var broadcastListOwner: JID = .goZero
    /// nil (Go's nil slice, `null`) unless this account sent the broadcast message.
    public var broadcastRecipients: [BroadcastRecipient]?

    public init() {}

    public func encodeGoJSONFields(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.field("Chat", chat)
        try writer.field("Sender", sender)
        try writer.field("IsFromMe", isFromMe)
        try writer.field("IsGroup", isGroup)
        try writer.field("AddressingMode", addressingMode)
        try writer.field("SenderAlt", senderAlt)
        try writer.field("RecipientAlt", recipientAlt)
        try writer.field("BroadcastListOwner", broadcastListOwner)
        try writer.field("BroadcastRecipients", broadcastRecipients)
    }
}
