/// `events.ChatPresence`: typing or recording in a chat.
public struct ChatPresence: Sendable, Hashable, GoJSONEncodable {
    public var source = MessageSource()
    /// `composing` or `paused`.
    public var state = ""
    /// `""`, or `audio` while recording a voice note.
    public var media = ""

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try source.encodeGoJSONFields(to: &writer)
            try writer.field("State", state)
            try writer.field("Media", media)
        }
    }
}
