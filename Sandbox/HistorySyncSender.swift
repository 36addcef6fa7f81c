import Foundation
import Logging
import SwiftProtobuf
import WABinary
import WAMedia
import WAProto

/// What a phone sends a companion it just linked, as WhatsApp's phones do: an
/// `INITIAL_BOOTSTRAP` history blob (its stored conversations, with their messages) and a
/// `PUSH_NAME` blob (its contacts' names), each zlib-compressed, encrypted as `History` media,
/// uploaded to the media host and announced by a `HistorySyncNotification` in a peer message
/// to that device. It keeps what it sent, and
/// which ones the device acknowledged with a `hist_sync` receipt, for `GET /sandbox/historysync`.
actor HistorySyncSender {
    private let router: MessageRouter
    private let media: MediaHost
    private let logger: Logger
    /// What each phone sent, oldest first, by phone number.
    private var history: [String: [SentHistorySync]] = [:]

    init(router: MessageRouter, media: MediaHost, logger: Logger) {
        self.router = router
        self.media = media
        self.logger = logger
    }

    /// Sends `device`, just linked to `phone`'s account, its initial history. Failures are
    /// logged: the link stands without history, as on WhatsApp.
    func sendInitialSync(to device: JID, phone: String) async {
        guard let account = await router.accounts.account(phone: phone) else { return }
        let received = await router.phones.received(by: phone)
        var contacts: [VirtualAccount] = []
        for chat in Set(received.map(\.chat)).sorted() {
            guard let jid = try? JID(parsing: chat), let contact = await router.accounts.account(owning: jid),
                contact.phone != phone
            else { continue }
            contacts.append(contact)
        }
        let blobs: [(name: String, type: WAE2E_HistorySyncType, blob: WAHistorySync_HistorySync)] = [
            ("INITIAL_BOOTSTRAP", .initialBootstrap, Self.bootstrap(of: account, received: received, contacts: contacts)),
            ("PUSH_NAME", .pushName, Self.pushNames(of: contacts)),
        ]
        for (name, type, blob) in blobs {
            do {
                var message = WAE2E_Message()
                message.protocolMessage.type = .historySyncNotification
                message.protocolMessage.historySyncNotification = try await notification(for: blob, type: type)
                let id = try await router.phoneSendPeer(message, from: account, to: device)
                history[phone, default: []].append(
                    SentHistorySync(id: id, device: device.description, syncType: name, acknowledged: false))
            } catch {
                logger.error(
                    "a virtual phone could not send history",
                    metadata: ["device": "\(device)", "type": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// A `<receipt type=hist_sync id>` from `device`: marks that blob acknowledged.
    func acknowledged(_ receipt: Node, from device: JID) {
        guard let id = receipt["id"]?.description,
            let index = history[device.user]?.firstIndex(where: { $0.id == id && $0.device == device.description })
        else {
            logger.info("dropped a hist_sync receipt for no blob", metadata: ["device": "\(device)"])
            return
        }
        history[device.user]?[index].acknowledged = true
    }

    /// `GET /sandbox/historysync`: what `phone`'s phone sent, oldest first.
    func sent(by phone: String) async throws(ControlError) -> [SentHistorySync] {
        guard await router.accounts.account(phone: phone) != nil else { throw .notFound("no account \(phone)") }
        return history[phone] ?? []
    }

    // MARK: Blobs

    /// The phone's conversations, one per chat of the messages it holds, oldest message first.
    private static func bootstrap(
        of account: VirtualAccount, received: [PhoneMessage], contacts: [VirtualAccount]
    ) -> WAHistorySync_HistorySync {
        var history = WAHistorySync_HistorySync()
        history.syncType = .initialBootstrap
        history.chunkOrder = 1
        history.progress = 100
        for contact in contacts {
            let messages = received.filter { (try? JID(parsing: $0.chat)).map(contact.owns) == true }
            var conversation = WAHistorySync_Conversation()
            conversation.id = contact.jid.description
            conversation.name = contact.pushName
            conversation.conversationTimestamp = UInt64(max(messages.last?.timestamp ?? 0, 0))
            conversation.messages = messages.enumerated().compactMap { index, stored in
                guard let content = try? WAE2E_Message(serializedBytes: stored.message) else { return nil }
                let fromMe = (try? JID(parsing: stored.from))?.user == account.phone
                var info = WAWeb_WebMessageInfo()
                info.key.remoteJid = contact.jid.description
                info.key.fromMe = fromMe
                info.key.id = stored.id
                info.message = content
                info.messageTimestamp = UInt64(max(stored.timestamp, 0))
                if !fromMe { info.pushName = contact.pushName }
                var message = WAHistorySync_HistorySyncMsg()
                message.message = info
                message.msgOrderID = UInt64(index + 1)
                return message
            }
            history.conversations.append(conversation)
            var mapping = WAHistorySync_PhoneNumberToLIDMapping()
            mapping.pnJid = contact.jid.description
            mapping.lidJid = contact.lidJID.description
            history.phoneNumberToLidMappings.append(mapping)
        }
        return history
    }

    /// The names of the phone's contacts.
    private static func pushNames(of contacts: [VirtualAccount]) -> WAHistorySync_HistorySync {
        var history = WAHistorySync_HistorySync()
        history.syncType = .pushName
        history.pushnames = contacts.map { contact in
            var pushName = WAHistorySync_Pushname()
            pushName.id = contact.jid.description
            pushName.pushname = contact.pushName
            return pushName
        }
        return history
    }

    /// Compresses, encrypts and uploads `blob`, as a phone does, and returns the notification
    /// that points at it.
    private func notification(
        for blob: WAHistorySync_HistorySync, type: WAE2E_HistorySyncType
    ) async throws -> WAE2E_HistorySyncNotification {
        guard let compressed = Zlib.deflate(try blob.serializedBytes()) else { throw HistorySyncBlobError.compression }
        let encrypted = try MediaCipher.encrypt(compressed, type: .history)
        let stored = try await media.store(encrypted.body)
        var notification = WAE2E_HistorySyncNotification()
        notification.syncType = type
        notification.chunkOrder = 1
        notification.progress = 100
        notification.directPath = stored.directPath
        notification.mediaKey = Data(encrypted.info.mediaKey)
        notification.fileSha256 = Data(encrypted.info.fileSha256)
        notification.fileEncSha256 = Data(encrypted.info.fileEncSha256)
        notification.fileLength = encrypted.info.fileLength
        return notification
    }
}
