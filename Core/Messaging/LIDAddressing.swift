import WABinary

/// Where a 1:1 message goes and as whom we send it (whatsmeow's `SendMessage`): to the
/// recipient's LID when one is known, then from our own LID and with the phone number the
/// message was meant for as `peer_recipient_pn`; else by phone number, as before LIDs.
public struct LIDAddressing: Sendable, Hashable {
    /// The user the message is addressed to: a LID, or a phone number without a known LID.
    public var recipient: JID
    /// Our own device in the same addressing (its LID device when sending to a LID).
    public var ownDevice: JID
    /// The recipient's phone number when the message goes to its LID and we know it.
    public var peerRecipientPN: JID?

    public init(recipient: JID, ownDevice: JID, peerRecipientPN: JID? = nil) {
        self.recipient = recipient.nonAD
        self.ownDevice = ownDevice
        self.peerRecipientPN = peerRecipientPN?.nonAD
    }

    /// How to send to `chat`, a user JID. A phone number goes to `lid(of: phone)` when that
    /// knows one and we have a LID ourselves; a LID gets its phone number from `phone(of: lid)`.
    /// - Parameters:
    ///   - ownDevice: our device by phone number; `ownLIDDevice`: the same device as a LID.
    public static func resolve(
        _ chat: JID, ownDevice: JID, ownLIDDevice: JID?, lid: @Sendable (JID) async throws -> JID?,
        phone: @Sendable (JID) async throws -> JID?
    ) async throws -> LIDAddressing {
        let chat = chat.nonAD
        guard let ownLIDDevice else { return LIDAddressing(recipient: chat, ownDevice: ownDevice) }
        switch chat.server {
        case JID.lidServer:
            return LIDAddressing(recipient: chat, ownDevice: ownLIDDevice, peerRecipientPN: try await phone(chat))
        case JID.userServer:
            guard let lid = try await lid(chat) else { return LIDAddressing(recipient: chat, ownDevice: ownDevice) }
            return LIDAddressing(recipient: lid, ownDevice: ownLIDDevice, peerRecipientPN: chat)
        default:
            return LIDAddressing(recipient: chat, ownDevice: ownDevice)
        }
    }

    /// `stanza` (the `<message>` to `recipient`) with the attributes this addressing adds:
    /// `peer_recipient_pn` when sending to a LID.
    public func addressed(_ stanza: Node) -> Node {
        guard let peerRecipientPN else { return stanza }
        var stanza = stanza
        stanza.attributes["peer_recipient_pn"] = .jid(peerRecipientPN)
        return stanza
    }
}
