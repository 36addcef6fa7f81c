/// A presence or chat state a virtual phone saw, as `GET /sandbox/presences` lists it.
struct PhonePresence: Encodable, Sendable, Equatable {
    /// The stanza: `presence` or `chatstate`.
    var kind: String
    /// The account it came from (its phone-number JID), or the group of a group chat state.
    var from: String
    /// Who types in the group, for a group chat state (omitted otherwise).
    var participant: String? = nil
    /// `available` or `unavailable` for a presence; `composing` or `paused` for a chat state.
    var state: String
    /// `audio` while recording a voice note; else empty.
    var media: String
    /// When an unavailable account was last seen (unix seconds).
    var lastSeen: Int64?

    enum CodingKeys: String, CodingKey {
        case kind = "Kind", from = "From", participant = "Participant", state = "State", media = "Media"
        case lastSeen = "LastSeen"
    }
}
