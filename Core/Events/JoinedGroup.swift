import WABinary

/// `events.JoinedGroup`: this account joined or was added to a group (a `<create>` group
/// notification); the group's whole description follows its own fields, embedded.
public struct JoinedGroup: Sendable, Hashable, GoJSONEncodable {
    /// `invite` when joined by an invite link.
    public var reason = ""
    /// `new` for a newly created group.
    public var type = ""
    public var createKey = ""
    /// Who created the group and added us (for type `new`).
    public var sender: JID?
    public var senderPN: JID?
    public var notify = ""
    public var group = GroupDetails()

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("Reason", reason)
            try writer.field("Type", type)
            try writer.field("CreateKey", createKey)
            try writer.field("Sender", sender)
            try writer.field("SenderPN", senderPN)
            try writer.field("Notify", notify)
            try group.encodeGoJSONFields(to: &writer)
        }
    }
}
