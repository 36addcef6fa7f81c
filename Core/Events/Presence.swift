import WABinary

/// `events.Presence`: a contact came online or went offline.
public struct Presence: Sendable, Hashable, GoJSONEncodable {
    public var from: JID = .goZero
    public var unavailable = false
    /// Zero when the contact hides it or is online.
    public var lastSeen: GoTime = .zero

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("From", from)
            try writer.field("Unavailable", unavailable)
            try writer.field("LastSeen", lastSeen)
        }
    }
}
