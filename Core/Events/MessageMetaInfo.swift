import WABinary

/// `types.MsgMetaInfo` (from a message's `<meta>` child).
public struct MessageMetaInfo: Sendable, Hashable, GoJSONEncodable {
    public var targetID = ""
    public var targetSender: JID = .goZero
    public var targetChat: JID = .goZero
    public var deprecatedLIDSession: Bool?
    public var threadMessageID = ""
    public var threadMessageSenderJID: JID = .goZero

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("TargetID", targetID)
            try writer.field("TargetSender", targetSender)
            try writer.field("TargetChat", targetChat)
            try writer.field("DeprecatedLIDSession", deprecatedLIDSession)
            try writer.field("ThreadMessageID", threadMessageID)
            try writer.field("ThreadMessageSenderJID", threadMessageSenderJID)
        }
    }
}
