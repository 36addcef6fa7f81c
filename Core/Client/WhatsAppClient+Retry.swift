import Foundation
import Logging
import WABinary
import WAMessaging
import WAProto
import WASignal
import WATransport
import WagoStore

/// Retry receipts for our messages, answered as whatsmeow answers them (`retry.go`): a device
/// that could not decrypt one of our recent messages gets it again, encrypted for it alone on
/// a session started anew from its keys when it sent them.
extension WhatsAppClient {
    /// How many sent messages are kept for retries (whatsmeow keeps 256).
    static let recentlySentCapacity = 256

    /// Keeps `message`, about to be sent to `chat` as `id`, for retry receipts.
    func rememberSent(_ message: WAE2E_Message, to chat: JID, id: String) {
        recentlySent.insert(message, for: Self.recentlySentKey(chat: chat, id: id))
    }

    /// `<receipt type=retry>`: acknowledged, then the message resent to the asking device when
    /// it is one we still have. One we no longer have is only logged, as whatsmeow does.
    func handleRetryReceipt(_ stanza: Node) async throws {
        if let ack = Receipts.ack(for: stanza) { try await socket.send(ack) }
        guard let ownJID = device.jid.flatMap({ try? JID(parsing: $0) }) else { return }
        let receipt = try RetryReceipt(stanza)
        guard let message = recentlySent[Self.recentlySentKey(chat: receipt.chat(sender: ownJID), id: receipt.messageID)] else {
            logger.info(
                "a retry receipt names a message we no longer have",
                metadata: ["id": "\(receipt.messageID)", "from": "\(receipt.requester)"])
            return
        }
        let deviceIdentity = try deviceIdentityForPeers()
        let fetchBundles = bundleFetcher()
        let resend = try await withSignalSessions {
            try await receipt.resend(
                message, sender: ownJID, store: self.signal, senderKeys: self.signal, fetchBundles: fetchBundles,
                deviceIdentity: deviceIdentity)
        }
        try await socket.send(resend)
        logger.debug(
            "answered a retry receipt",
            metadata: ["id": "\(receipt.messageID)", "to": "\(receipt.requester)", "count": "\(receipt.count)"])
    }

    private static func recentlySentKey(chat: JID, id: String) -> String {
        "\(chat.nonAD) \(id)"
    }
}
