/// `events.NewsletterMessageMeta`: the timestamps of an edited newsletter message.
public struct NewsletterMessageMeta: Sendable, Hashable, GoJSONEncodable {
    public var editTimestamp: GoTime
    public var originalTimestamp: GoTime

    public init(editTimestamp: GoTime = .zero, originalTimestamp: GoTime = .zero) {
        self.editTimestamp = editTimestamp
        self.originalTimestamp = originalTimestamp
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("EditTS", editTimestamp)
            try writer.field("OriginalTS", originalTimestamp)
        }
    }
}
