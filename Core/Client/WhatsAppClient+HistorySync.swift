import Foundation
import Logging
import SwiftProtobuf
import WABinary
import WAMedia
import WAMessaging
import WAProto
import WATransport
import WagoStore

/// History sync: after linking, our phone announces history blobs (a `protocolMessage` of type
/// `HISTORY_SYNC_NOTIFICATION`, sent to this device alone). Each is acknowledged with a
/// `hist_sync` receipt, fetched (inline, or downloaded from the media hosts as `History`
/// media), inflated and decoded in the background, off the socket's path.
extension WhatsAppClient {
    /// The most an inflated history blob may weigh.
    static let maxHistoryBlobBytes = 256 << 20

    /// Starts the history sync a decrypted message announces, if it is one from our own phone.
    func handleHistorySyncNotification(in received: ReceivedMessage) {
        let protocolMessage = received.message.protocolMessage
        guard received.isFromMe, protocolMessage.type == .historySyncNotification,
            protocolMessage.hasHistorySyncNotification
        else { return }
        Task { await self.syncHistory(protocolMessage.historySyncNotification, messageID: received.id) }
    }

    private func syncHistory(_ notification: WAE2E_HistorySyncNotification, messageID: String) async {
        do {
            try await sendHistorySyncReceipt(for: messageID)
            let compressed =
                notification.hasInitialHistBootstrapInlinePayload
                ? Array(notification.initialHistBootstrapInlinePayload)
                : try await download(
                    directPath: notification.directPath,
                    info: MediaFileInfo(
                        mediaKey: Array(notification.mediaKey), fileSha256: Array(notification.fileSha256),
                        fileEncSha256: Array(notification.fileEncSha256), fileLength: notification.fileLength),
                    type: .history)
            let data = try WAHistorySync_HistorySync(
                serializedBytes: try Zlib.inflate(compressed, limit: Self.maxHistoryBlobBytes))
            learnLIDMappings(from: data)
            await report(.historySync(HistorySyncUpdate(data: data, notification: notification)))
        } catch {
            logger.warning(
                "could not sync a history blob",
                metadata: ["id": "\(messageID)", "type": "\(notification.syncType)", "error": "\(error)"])
        }
    }

    /// `<receipt id type=hist_sync to=<our user>>`, as whatsmeow's `SendProtocolMessageReceipt`.
    private func sendHistorySyncReceipt(for messageID: String) async throws {
        guard let own = ownJID else { throw ClientError.notLoggedIn }
        try await socket.send(
            Node(
                tag: "receipt",
                attributes: ["id": .string(messageID), "type": "hist_sync", "to": .jid(own.nonAD)]))
    }
}
