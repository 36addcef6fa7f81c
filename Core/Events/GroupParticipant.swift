import WABinary

/// `types.GroupParticipant`: a member of a group. `AddRequest` (a failed add's invitation) is
/// never set here, so it is written `null`.
public struct GroupParticipant: Sendable, Hashable, GoJSONEncodable {
    /// The address to message the member at: its LID or its phone number.
    public var jid: JID = .goZero
    public var phoneNumber: JID = .goZero
    public var lid: JID = .goZero
    public var isAdmin = false
    public var isSuperAdmin = false
    public var displayName = ""
    public var error = 0

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("JID", jid)
            try writer.field("PhoneNumber", phoneNumber)
            try writer.field("LID", lid)
            try writer.field("IsAdmin", isAdmin)
            try writer.field("IsSuperAdmin", isSuperAdmin)
            try writer.field("DisplayName", displayName)
            try writer.field("Error", error)
            writer.field("AddRequest")
            writer.null()
        }
    }
}
