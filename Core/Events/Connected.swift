/// `events.Connected`: logged in and ready (a struct without fields, `{}`).
public struct Connected: Sendable, Hashable, GoJSONEncodable {
    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) {
        writer.object { _ in }
    }
}
