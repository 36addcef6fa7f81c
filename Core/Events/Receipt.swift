import WABinary

/// `events.Receipt`: messages delivered to, read or played by someone, or read on another of
/// this account's devices.
public struct Receipt: Sendable, Hashable, GoJSONEncodable {
    public var source = MessageSource()
    /// nil is Go's nil slice (`null`).
    public var messageIDs: [String]?
    public var timestamp: GoTime = .zero
    /// The stanza's `type`: `""` (delivered), `read`, `read-self`, `played`, `sender`, ...
    public var type = ""
    public var messageSender: JID = .goZero

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try source.encodeGoJSONFields(to: &writer)
            try writer.field("MessageIDs", messageIDs)
            try writer.field("Timestamp", timestamp)
            try writer.field("Type", type)
            try writer.field("MessageSender", messageSender)
        }
    }
}
