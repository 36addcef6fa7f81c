/// `types.GroupMembershipApprovalMode`: whether joining needs an admin's approval.
public struct GroupMembershipApprovalMode: Sendable, Hashable, GoJSONEncodable {
    public var isJoinApprovalRequired: Bool

    public init(isJoinApprovalRequired: Bool) {
        self.isJoinApprovalRequired = isJoinApprovalRequired
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("IsJoinApprovalRequired", isJoinApprovalRequired)
        }
    }
}
