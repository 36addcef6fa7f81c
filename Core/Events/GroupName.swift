import WABinary

/// `types.GroupName`: a group's subject and who set it when.
public struct GroupName: Sendable, Hashable, GoJSONEncodable, GoJSONEmbeddable {
    public var name = ""
    public var nameSetAt: GoTime = .zero
    public var nameSetBy: JID = .goZero
    public var nameSetByPN: JID = .goZero

    public init() {}

    public func encodeGoJSONFields(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.field("Name", name)
        try writer.field("NameSetAt", nameSetAt)
        try writer.field("NameSetBy", nameSetBy)
        try writer.field("NameSetByPN", nameSetByPN)
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in try encodeGoJSONFields(to: &writer) }
    }
}
