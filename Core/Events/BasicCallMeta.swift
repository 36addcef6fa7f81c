import WABinary

/// `types.BasicCallMeta`: what every call event says about the call. Embedded.
public struct BasicCallMeta: Sendable, Hashable, GoJSONEmbeddable {
    public var from: JID = .goZero
    public var timestamp: GoTime = .zero
    public var callCreator: JID = .goZero
    /// The creator's other address (`caller_pn` for a LID creator).
    public var callCreatorAlt: JID = .goZero
    public var callID = ""
    public var groupJID: JID = .goZero

    public init() {}

    public func encodeGoJSONFields(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.field("From", from)
        try writer.field("Timestamp", timestamp)
        try writer.field("CallCreator", callCreator)
        try writer.field("CallCreatorAlt", callCreatorAlt)
        try writer.field("CallID", callID)
        try writer.field("GroupJID", groupJID)
    }
}
