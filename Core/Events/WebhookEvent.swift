/// An event WaGo may post to a session's webhook, with what its payload needs beyond the
/// whatsmeow event itself.
public enum WebhookEvent: Sendable {
    /// `events.Message`. `decryptedVote` is, for a poll vote, the SHA-256 of the selected
    /// option's name (what whatsmeow's `DecryptPollVote` gives), posted as `decryptVote` in
    /// uppercase hex.
    case message(MessageEvent, decryptedVote: [UInt8]? = nil)
    case receipt(Receipt)
    case presence(Presence)
    case chatPresence(ChatPresence)
    case historySync(HistorySync)
    case call(CallEvent)
    case loggedOut(LoggedOut)
    case connected(Connected)
    case pairSuccess(PairSuccess)
    /// A new login QR code, posted as the later wuzapi does: `event` is the QR channel item's
    /// name, `"code"`, and `qrCodeBase64` the QR image as a PNG data URL (the QR text itself is
    /// not posted).
    case qrCode(imageDataURL: String)
    case groupInfo(GroupInfo)
    case joinedGroup(JoinedGroup)
    case undecryptableMessage(UndecryptableMessage)
}
