/// `types.GroupLocked`: whether only admins may edit the group's info.
public struct GroupLocked: Sendable, Hashable, GoJSONEncodable {
    public var isLocked: Bool

    public init(isLocked: Bool) {
        self.isLocked = isLocked
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("IsLocked", isLocked)
        }
    }
}
