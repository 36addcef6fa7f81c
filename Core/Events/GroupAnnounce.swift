/// `types.GroupAnnounce`: whether only admins may send messages.
public struct GroupAnnounce: Sendable, Hashable, GoJSONEncodable {
    public var isAnnounce: Bool
    public var announceVersionID: String

    public init(isAnnounce: Bool, announceVersionID: String) {
        self.isAnnounce = isAnnounce
        self.announceVersionID = announceVersionID
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("IsAnnounce", isAnnounce)
            try writer.field("AnnounceVersionID", announceVersionID)
        }
    }
}
