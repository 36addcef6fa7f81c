/// `types.GroupDelete`: the group was deleted.
public struct GroupDelete: Sendable, Hashable, GoJSONEncodable {
    public var deleted: Bool
    public var deleteReason: String

    public init(deleted: Bool, deleteReason: String) {
        self.deleted = deleted
        self.deleteReason = deleteReason
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("Deleted", deleted)
            try writer.field("DeleteReason", deleteReason)
        }
    }
}
