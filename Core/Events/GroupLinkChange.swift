import WABinary

/// `types.GroupLinkChange`: a group linked to or unlinked from a community.
public struct GroupLinkChange: Sendable, Hashable, GoJSONEncodable {
    /// `parent_group`, `sub_group` or `sibling_group`.
    public var type = ""
    /// `unlink_group` or `delete_parent` for an unlink.
    public var unlinkReason = ""
    /// The other group (`types.GroupLinkTarget`: its JID, name and whether it is the
    /// community's default subgroup).
    public var groupJID: JID = .goZero
    public var groupName = GroupName()
    public var groupIsDefaultSubGroup = false

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("Type", type)
            try writer.field("UnlinkReason", unlinkReason)
            writer.field("Group")
            try writer.object { writer throws(GoJSONError) in
                try writer.field("JID", groupJID)
                try groupName.encodeGoJSONFields(to: &writer)
                try writer.field("IsDefaultSubGroup", groupIsDefaultSubGroup)
            }
        }
    }
}
