/// `types.DeviceSentMeta`: what a message sent from one of this account's other devices was
/// wrapped with (`deviceSentMessage`).
public struct DeviceSentMeta: Sendable, Hashable, GoJSONEncodable {
    public var destinationJID: String
    public var phash: String

    public init(destinationJID: String = "", phash: String = "") {
        self.destinationJID = destinationJID
        self.phash = phash
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("DestinationJID", destinationJID)
            try writer.field("Phash", phash)
        }
    }
}
