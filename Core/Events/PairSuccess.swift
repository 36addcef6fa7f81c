import WABinary
import WAProto

/// `events.PairSuccess`: the phone linked this device.
public struct PairSuccess: Sendable, GoJSONEncodable {
    /// The new device's phone-number JID (with its device number).
    public var id: JID
    public var lid: JID
    public var businessName: String
    public var platform: String
    public var props: WACompanionReg_ClientPairingProps?

    public init(id: JID, lid: JID, businessName: String, platform: String, props: WACompanionReg_ClientPairingProps?) {
        self.id = id
        self.lid = lid
        self.businessName = businessName
        self.platform = platform
        self.props = props
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("ID", id)
            try writer.field("LID", lid)
            try writer.field("BusinessName", businessName)
            try writer.field("Platform", platform)
            try writer.field("Props", message: props)
        }
    }
}
