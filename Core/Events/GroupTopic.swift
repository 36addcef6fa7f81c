import WABinary

/// `types.GroupTopic`: a group's description and who set it when.
public struct GroupTopic: Sendable, Hashable, GoJSONEncodable {
    public var topic = ""
    public var topicID = ""
    public var topicSetAt: GoTime = .zero
    public var topicSetBy: JID = .goZero
    public var topicSetByPN: JID = .goZero
    public var topicDeleted = false

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("Topic", topic)
            try writer.field("TopicID", topicID)
            try writer.field("TopicSetAt", topicSetAt)
            try writer.field("TopicSetBy", topicSetBy)
            try writer.field("TopicSetByPN", topicSetByPN)
            try writer.field("TopicDeleted", topicDeleted)
        }
    }
}
