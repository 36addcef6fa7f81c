import Foundation
import WABinary
import WAMessaging
import WagoStore

/// Presence both ways: contacts' availability (once subscribed) and chat states arrive as
/// events; ours goes out as `<presence>` stanzas, as whatsmeow sends them.
extension WhatsAppClient {
    /// Asks for `jid`'s availability: the server answers with its current presence, then
    /// each change (`ClientEvent.presence`).
    public func subscribePresence(to jid: JID) async throws {
        try await sendNode(Node(tag: "presence", attributes: ["type": "subscribe", "to": .jid(jid)]))
    }

    /// Tells our contacts that we are online or offline, under `name` (our push name).
    public func sendPresence(available: Bool, name: String) async throws {
        var attributes: Attributes = ["type": available ? "available" : "unavailable"]
        if !name.isEmpty { attributes["name"] = .string(name) }
        try await sendNode(Node(tag: "presence", attributes: attributes))
    }

    /// `<presence from [type=unavailable] [last=<unix seconds>|deny]>`.
    func handlePresence(_ stanza: Node) async throws(MessagingError) {
        guard let from = stanza["from"]?.jid else { throw .malformed("presence without from") }
        let lastSeen = stanza["last"].flatMap { Int64($0.description) }.map { Date(timeIntervalSince1970: Double($0)) }
        await report(
            .presence(
                PresenceUpdate(from: from, unavailable: stanza["type"]?.description == "unavailable", lastSeen: lastSeen)))
    }

    /// `<chatstate from [participant]><composing [media]/>|<paused/></chatstate>`, with the
    /// chat and sender worked out as whatsmeow's `parseMessageSource` does.
    func handleChatState(_ stanza: Node) async throws(MessagingError) {
        guard let from = stanza["from"]?.jid else { throw .malformed("chatstate without from") }
        guard stanza.children.count == 1, let state = stanza.children.first,
            state.tag == "composing" || state.tag == "paused"
        else { throw .malformed("chatstate without one <composing/> or <paused/>") }
        let own = [ownJID, ownLID].compactMap { $0?.user }
        let addressingMode = stanza["addressing_mode"]?.description ?? ""
        var update = ChatStateUpdate(
            chat: from.nonAD, sender: from, senderAlt: nil, isFromMe: false, isGroup: false,
            addressingMode: addressingMode, state: state.tag, media: state["media"]?.description ?? "")
        if from.server == JID.groupServer || from.server == JID.broadcastServer {
            guard let participant = stanza["participant"]?.jid else {
                throw .malformed("group chatstate without participant")
            }
            update.chat = from
            update.sender = participant
            update.isGroup = true
            update.isFromMe = own.contains(participant.user)
            update.senderAlt = stanza[addressingMode == "lid" ? "participant_pn" : "participant_lid"]?.jid
        } else if own.contains(from.user) {
            update.isFromMe = true
            update.chat = stanza["recipient"]?.jid ?? from.nonAD
        } else {
            update.senderAlt = stanza[from.server == JID.userServer ? "sender_lid" : "sender_pn"]?.jid
        }
        await report(.chatState(update))
    }
}
