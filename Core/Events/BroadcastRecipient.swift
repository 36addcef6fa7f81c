import WABinary

/// `types.BroadcastRecipient`: one recipient of a broadcast-list message this account sent.
public struct BroadcastRecipient: Sendable, Hashable, GoJSONEncodable {
    public var lid: JID
    public var pn: JID

    public init(lid: JID, pn: JID) {
        self.lid = lid
        self.pn = pn
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) {
        writer.object { writer in
            writer.field("LID")
            lid.encodeGoJSON(to: &writer)
            writer.field("PN")
            pn.encodeGoJSON(to: &writer)
        }
    }
}
