import WABinary

/// How a received message names its parties: the stanza's `addressing_mode` and the other
/// identity (LID or phone number) of its sender or, for our own messages, of the chat, read as
/// whatsmeow's `parseMessageSource` reads them (`SenderAlt`, `RecipientAlt`).
public struct MessageAddressing: Sendable, Hashable {
    /// `"lid"`, `"pn"` or `""`: the stanza's `addressing_mode` (groups set it).
    public var mode: String
    /// The sender's phone-number device when it wrote as a LID, its LID device when it wrote
    /// as a phone number; nil when the stanza says neither.
    public var senderAlt: JID?
    /// Our own messages only: the chat's other identity (`peer_recipient_pn` of a LID chat,
    /// `peer_recipient_lid` of a phone-number chat).
    public var recipientAlt: JID?

    public init(mode: String = "", senderAlt: JID? = nil, recipientAlt: JID? = nil) {
        self.mode = mode
        self.senderAlt = senderAlt
        self.recipientAlt = recipientAlt
    }

    /// Reads `stanza`'s attributes for a message `sender` sent in `chat`. A sender alternative
    /// given without a device is taken as the sender's device, as whatsmeow does.
    public init(of stanza: Node, sender: JID, chat: JID, isFromMe: Bool) {
        mode = stanza["addressing_mode"]?.description ?? ""
        if chat.server == JID.groupServer {
            senderAlt = stanza[mode == "lid" ? "participant_pn" : "participant_lid"]?.jid
        } else if isFromMe {
            recipientAlt = stanza[chat.server == JID.lidServer ? "peer_recipient_pn" : "peer_recipient_lid"]?.jid
        } else {
            senderAlt = stanza[sender.server == JID.lidServer ? "sender_pn" : "sender_lid"]?.jid
        }
        if let alt = senderAlt, alt.device == 0 {
            senderAlt = JID(user: alt.user, server: alt.server, device: sender.device)
        }
    }

    /// The phone number and LID (user JIDs) this addressing shows to be one account, as
    /// whatsmeow stores them: the sender and its alternative, else the chat and its.
    public func mapping(sender: JID, chat: JID) -> (phone: JID, lid: JID)? {
        let pair = senderAlt.map { (sender, $0) } ?? recipientAlt.map { (chat, $0) }
        guard let (main, alt) = pair else { return nil }
        switch (main.server, alt.server) {
        case (JID.userServer, JID.lidServer): return (main.nonAD, alt.nonAD)
        case (JID.lidServer, JID.userServer): return (alt.nonAD, main.nonAD)
        default: return nil
        }
    }
}
