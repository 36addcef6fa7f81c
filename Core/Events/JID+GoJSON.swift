import WABinary

/// `types.JID` marshals through `MarshalText`: its string form, `""` for the zero JID.
extension JID: GoJSONEncodable {
    /// Go's zero `types.JID`, written `""`.
    public static let goZero = JID(user: "", server: "")

    public func encodeGoJSON(to writer: inout GoJSONWriter) {
        writer.string(description)
    }
}
