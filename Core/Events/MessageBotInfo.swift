/// `types.MsgBotInfo` (from a message's `<bot>` child).
public struct MessageBotInfo: Sendable, Hashable, GoJSONEncodable {
    public var editType = ""
    public var editTargetID = ""
    public var editSenderTimestamp: GoTime = .zero

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("EditType", editType)
            try writer.field("EditTargetID", editTargetID)
            try writer.field("EditSenderTimestampMS", editSenderTimestamp)
        }
    }
}
