import WABinary

/// Typing or recording in a chat, from `<chatstate from [participant]><composing
/// [media=audio]/>|<paused/></chatstate>` (whatsmeow's `events.ChatPresence`).
public struct ChatStateUpdate: Sendable, Equatable {
    public var chat: JID
    /// Who types: the contact's device, or the group participant.
    public var sender: JID
    /// The sender's other address (phone number for a LID, and back), when the stanza names it.
    public var senderAlt: JID?
    public var isFromMe: Bool
    public var isGroup: Bool
    /// The stanza's `addressing_mode`: `pn`, `lid` or empty.
    public var addressingMode: String
    /// `composing` or `paused`.
    public var state: String
    /// `audio` while recording a voice note; else empty.
    public var media: String
}
