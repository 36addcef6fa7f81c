import WABinary

/// How a received message names its parties: the stanza's `addressing_mode` and the other
/// identity (LID or phone number) of its sender or, for our own messages, of the chat, read as
/// whatsmeow's `parseMessageSource` reads them (`SenderAlt`, `RecipientAlt`).
public struct MessageAddressing: Sendable, Hashable {
    /// `"lid"`, `"pn"` or `""`: the stanza's `addressing_mode` (groups set it).
    public var mode: String
    /// The sender's phone-number device when it wrote as a LID, its LID device when it wrote
    /// as a phone number (the stanza's, else the one we know: its message decrypted on that
    /// LID, `LIDDecryption`); nil when neither is known.
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
        let inGroup = chat.server == JID.groupServer
        senderAlt = Self.senderAlt(in: stanza, sender: sender, inGroup: inGroup, isFromMe: isFromMe)
        if isFromMe, !inGroup {
            recipientAlt = stanza[chat.server == JID.lidServer ? "peer_recipient_pn" : "peer_recipient_lid"]?.jid
        }
    }

    /// The other identity of `sender` that `stanza` names: `participant_pn` (LID-addressed
    /// group) or `participant_lid` in a group, `sender_pn` or `sender_lid` from someone else
    /// 1:1, none for our own 1:1 messages. One given without a device is taken as the
    /// sender's device, as whatsmeow does.
    public static func senderAlt(in stanza: Node, sender: JID, inGroup: Bool, isFromMe: Bool) -> JID? {
        let alt: JID?
        if inGroup {
            alt = stanza[stanza["addressing_mode"]?.description == "lid" ? "participant_pn" : "participant_lid"]?.jid
        } else if isFromMe {
            alt = nil
        } else {
            alt = stanza[sender.server == JID.lidServer ? "sender_pn" : "sender_lid"]?.jid
        }
        guard let alt, alt.device == 0 else { return alt }
        return JID(user: alt.user, server: alt.server, device: sender.device)
    }

    /// The phone number and LID (user JIDs) this addressing shows to be one account: the chat
    /// and its alternative (only our own 1:1 messages have one, and the stanza names no
    /// sender alternative for them), else the sender and its, as whatsmeow stores them.
    public func mapping(sender: JID, chat: JID) -> (phone: JID, lid: JID)? {
        let pair = recipientAlt.map { (chat, $0) } ?? senderAlt.map { (sender, $0) }
        guard let (main, alt) = pair else { return nil }
        switch (main.server, alt.server) {
        case (JID.userServer, JID.lidServer): return (main.nonAD, alt.nonAD)
        case (JID.lidServer, JID.userServer): return (alt.nonAD, main.nonAD)
        default: return nil
        }
    }
}
