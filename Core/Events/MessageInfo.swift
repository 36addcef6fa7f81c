/// `types.MessageInfo`: a message's metadata from its stanza.
public struct MessageInfo: Sendable, Hashable, GoJSONEncodable {
    public var source = MessageSource()
    public var id = ""
    /// Newsletter messages' `server_id`; 0 elsewhere.
    public var serverID = 0
    public var type = ""
    public var pushName = ""
    public var timestamp: GoTime = .zero
    public var category = ""
    public var multicast = false
    public var mediaType = ""
    /// The stanza's `edit` attribute: `""`, `"1"` edit, `"2"` pin, `"3"` admin edit, `"7"`
    /// sender revoke, `"8"` admin revoke.
    public var edit = ""
    public var botInfo = MessageBotInfo()
    public var metaInfo = MessageMetaInfo()
    public var isNewsletterStatus = false
    public var deviceSentMeta: DeviceSentMeta?

    public init() {}

    /// `VerifiedName` (a business sender's certificate) is always `null`: WAProto has no
    /// `VerifiedNameCertificate` to carry it.
    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try source.encodeGoJSONFields(to: &writer)
            try writer.field("ID", id)
            try writer.field("ServerID", serverID)
            try writer.field("Type", type)
            try writer.field("PushName", pushName)
            try writer.field("Timestamp", timestamp)
            try writer.field("Category", category)
            try writer.field("Multicast", multicast)
            try writer.field("MediaType", mediaType)
            try writer.field("Edit", edit)
            try writer.field("MsgBotInfo", botInfo)
            try writer.field("MsgMetaInfo", metaInfo)
            try writer.field("IsNewsletterStatus", isNewsletterStatus)
            writer.field("VerifiedName")
            writer.null()
            try writer.field("DeviceSentMeta", deviceSentMeta)
        }
    }
}
