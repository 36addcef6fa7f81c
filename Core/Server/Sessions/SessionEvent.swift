import Foundation
import WABinary
import WAClient
import WAEvents
import WAMessaging
import WagoQRCode

/// A client's events as WaGo posts them (whatsmeow's event objects through Go's encoding/json,
/// wrapped as wuzapi does): nil for what WaGo does not post.
enum SessionEvent {
    static func payload(_ event: ClientEvent) throws -> WebhookPayload? {
        guard let webhookEvent = try webhookEvent(event) else { return nil }
        return try WebhookPayload(webhookEvent)
    }

    private static func webhookEvent(_ event: ClientEvent) throws -> WebhookEvent? {
        switch event {
        case .loggedIn:
            return .connected(Connected())
        case .qr(let text):
            return .qrCode(imageDataURL: try QRCodeImage.dataURL(for: text))
        case .pairSuccess(let jid, let lid, let platform, let businessName):
            return .pairSuccess(
                PairSuccess(id: jid, lid: lid ?? .goZero, businessName: businessName, platform: platform, props: nil))
        case .loggedOut(let onConnect, let reason):
            return .loggedOut(LoggedOut(onConnect: onConnect, reason: reason))
        case .message(let received):
            return .message(MessageEvent(info: try info(of: received), rawMessage: received.message))
        case .receipt(let receipt):
            var event = Receipt()
            event.source.chat = receipt.chat
            event.source.sender = receipt.sender
            event.messageIDs = receipt.ids
            event.timestamp = try time(receipt.timestamp)
            // whatsmeow's type is the stanza's: empty for a delivery.
            event.type = receipt.type == "delivery" ? "" : receipt.type
            return .receipt(event)
        case .presence(let update):
            var event = Presence()
            event.from = update.from
            event.unavailable = update.unavailable
            event.lastSeen = try update.lastSeen.map(time) ?? .zero
            return .presence(event)
        case .chatState(let update):
            var event = ChatPresence()
            event.source.chat = update.chat
            event.source.sender = update.sender
            event.source.senderAlt = update.senderAlt ?? .goZero
            event.source.isFromMe = update.isFromMe
            event.source.isGroup = update.isGroup
            event.source.addressingMode = update.addressingMode
            event.state = update.state
            event.media = update.media
            return .chatPresence(event)
        case .historySync(let update):
            return .historySync(HistorySync(data: update.data, notification: update.notification))
        case .groupChange(let notification):
            return try groupEvent(notification)
        case .qrTimeout, .pairError, .disconnected, .stanza:
            return nil
        }
    }

    private static func info(of message: ReceivedMessage) throws -> MessageInfo {
        var info = MessageInfo()
        info.source.chat = message.chat
        info.source.sender = message.sender
        info.source.isFromMe = message.isFromMe
        info.source.isGroup = message.chat.server == JID.groupServer
        info.source.addressingMode = message.addressing.mode
        info.source.senderAlt = message.addressing.senderAlt ?? .goZero
        info.source.recipientAlt = message.addressing.recipientAlt ?? .goZero
        info.id = message.id
        info.type = message.type
        info.edit = message.edit
        info.pushName = message.pushName
        info.timestamp = try time(message.timestamp)
        return info
    }

    /// whatsmeow's times are in the process's zone, as WaGo posts them.
    private static func time(_ date: Date) throws -> GoTime {
        try GoTime(unixSeconds: Int64(date.timeIntervalSince1970), in: .current)
    }
}
