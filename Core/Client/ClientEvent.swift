import WABinary
import WAMessaging

/// What a session's WhatsApp client reports, in order. The gateway turns these into WaGo's
/// events (Connected, QR, PairSuccess, LoggedOut, ...).
public enum ClientEvent: Sendable {
    /// The server accepted our login (`<success>`): the device is linked and online.
    case loggedIn(jid: JID, lid: JID?)
    /// A QR text to show until the next one replaces it.
    case qr(String)
    /// Every QR ref expired unscanned; the client hung up.
    case qrTimeout
    /// The phone linked this device; a restart and login follow.
    case pairSuccess(jid: JID, lid: JID?, platform: String, businessName: String)
    /// A pair-success that failed our checks (the phone is told so).
    case pairError(String)
    /// The device is no longer linked (logout, unlinked from the phone, or refused at login);
    /// its keys were wiped. `onConnect` says whether it was refused while logging in; `reason`
    /// is whatsmeow's ConnectFailureReason (401 logged out, 403 banned, ...).
    case loggedOut(onConnect: Bool, reason: Int)
    /// The connection ended; the client reconnects unless it stopped.
    case disconnected
    /// A message decrypted (ours from another device included).
    case message(ReceivedMessage)
    /// Our messages delivered to or read by a peer.
    case receipt(MessageReceipt)
    /// A contact we subscribed to came online or went offline.
    case presence(PresenceUpdate)
    /// Someone typing, recording or pausing in a chat.
    case chatState(ChatStateUpdate)
    /// A history blob the phone sent after linking, downloaded and decoded.
    case historySync(HistorySyncUpdate)
    /// A group changed, or we joined one (`<notification type=w:gp2>`).
    case groupChange(GroupNotification)
    /// Any other stanza, for the pipelines above (messages, receipts, notifications).
    case stanza(Node)
}
