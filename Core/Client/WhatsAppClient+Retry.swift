import Foundation
import Logging
import SwiftProtobuf
import WABinary
import WAMessaging
import WAProto
import WASignal
import WATransport
import WagoStore

/// Retry receipts for our messages, answered as whatsmeow answers them (`retry.go`): a device
/// that could not decrypt one of our recent messages gets it again, encrypted for it alone on
/// a session started anew from its keys when it sent them. Sent messages are kept in the store
/// (`SentMessageStore`), so a device asking after a restart is answered too.
extension WhatsAppClient {
    /// Keeps `message`, about to be sent to `chat` as `id`, for retry receipts.
    func rememberSent(_ message: WAE2E_Message, to chat: JID, id: String) throws {
        try sentMessages.keep(try message.serializedBytes(), chat: chat.nonAD.description, id: id)
    }

    /// `<receipt type=retry>`: acknowledged, then the message resent to the asking device when
    /// it is one we still have. One we no longer have is only logged, as whatsmeow does, and so
    /// is a device's tenth ask for one message and later ones (`RetryReceipt.AnswerHistory`).
    func handleRetryReceipt(_ stanza: Node) async throws {
        if let ack = Receipts.ack(for: stanza) { try await socket.send(ack) }
        guard let ownJID else { return }
        let receipt = try RetryReceipt(stanza)
        guard let message = try await sentMessage(for: receipt, ownJID: ownJID) else {
            logger.info(
                "a retry receipt names a message we no longer have",
                metadata: ["id": "\(receipt.messageID)", "from": "\(receipt.requester)"])
            return
        }
        guard await retryAnswers.admit(receipt) else {
            logger.warning(
                "dropped a retry receipt: the device asked for this message too often",
                metadata: ["id": "\(receipt.messageID)", "from": "\(receipt.requester)"])
            return
        }
        let deviceIdentity = try deviceIdentityForPeers()
        let fetchBundles = bundleFetcher()
        // In a LID-addressed group our sender key is named after our LID device.
        let sender = receipt.isGroup ? try await groupSender(in: receipt.chat(sender: ownJID), ownDevice: ownJID) : ownJID
        let lids = try await lidEncryption(for: [receipt.requester])
        let resend = try await withSignalSessions {
            try await receipt.resend(
                message, sender: sender, store: self.signal, senderKeys: self.signal, fetchBundles: fetchBundles,
                history: self.retryAnswers, deviceIdentity: deviceIdentity, lids: lids)
        }
        try await socket.send(resend)
        logger.debug(
            "answered a retry receipt",
            metadata: ["id": "\(receipt.messageID)", "to": "\(receipt.requester)", "count": "\(receipt.count)"])
    }

    /// The message `receipt` asks for, kept under its chat or, as whatsmeow looks it up, under
    /// the chat's other form (phone number ↔ LID) when this session knows the pair: a message
    /// sent to a phone number went to its LID, whose devices ask as LIDs.
    private func sentMessage(for receipt: RetryReceipt, ownJID: JID) async throws -> WAE2E_Message? {
        func kept(_ chat: JID) async throws -> WAE2E_Message? {
            try await sentMessages.message(chat: chat.nonAD.description, id: receipt.messageID)
                .map { try WAE2E_Message(serializedBytes: $0) }
        }
        let chat = receipt.chat(sender: ownJID)
        if let message = try await kept(chat) { return message }
        let alternate: JID?
        switch chat.server {
        case JID.userServer: alternate = try await lids.lid(forPhone: chat.user).map { JID(user: $0, server: JID.lidServer) }
        case JID.lidServer: alternate = try await lids.phone(forLID: chat.user).map { JID(user: $0, server: JID.userServer) }
        default: alternate = nil
        }
        guard let alternate else { return nil }
        return try await kept(alternate)
    }
}
