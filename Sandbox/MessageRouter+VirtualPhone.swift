import Foundation
import Logging
import SwiftProtobuf
import WABinary
import WAMessaging
import WAProto
import WASignal

/// The virtual phones as real Signal parties: they decrypt what is routed to them and answer
/// with a delivery receipt, and send with real encryption for `POST /sandbox/send`.
extension MessageRouter {
    /// Decrypts a message delivered to `phone`'s phone, records it and sends the delivery
    /// receipt (`sender` for copies of its own companions' messages) as a phone would. A
    /// message it cannot decrypt is logged and dropped. Runs in the phone's lane of `phoneSignal`.
    func phoneReceive(_ stanza: Node, phone: String) async {
        guard let account = await accounts.account(phone: phone) else { return }
        let store = GroupPhoneSignalStore(sessions: PhoneSignalStore(account: account, state: phones))
        let received: ReceivedMessage
        do {
            try await migratePhoneSessions(of: store, forSenderOf: stanza)
            received = try await ReceivedMessage.decrypt(
                stanza, ownUser: account.jid, ownLID: account.lidJID, store: store, senderKeys: store)
            try await phones.record(
                PhoneMessage(
                    id: received.id, from: received.sender.description, chat: received.chat.description,
                    timestamp: Int64(received.timestamp.timeIntervalSince1970), message: try received.message.serializedBytes() as Data),
                of: phone)
        } catch {
            logger.warning(
                "a virtual phone could not take a message",
                metadata: ["phone": "\(phone)", "id": "\(stanza["id"]?.description ?? "-")", "error": "\(error)"])
            await phoneRequestRetry(for: stanza, account: account, after: error)
            return
        }
        guard let receipt = Receipts.receipt(for: stanza, type: received.isFromMe ? "sender" : nil) else { return }
        do {
            try await forward(receipt: receipt, from: account.deviceJID(0))
        } catch {
            logger.warning("a virtual phone's receipt was refused", metadata: ["reason": "\(error.reason)"])
        }
    }

    /// `POST /sandbox/send`: `phone`'s phone encrypts `message` for every device of the account
    /// `recipient` names (a group's members: `MessageRouter+Groups`) and, as a DeviceSentMessage, for its own companions, starting sessions
    /// from bundles claimed like a key fetch; then routes it like any message.
    func phoneSend(_ message: WAE2E_Message, from phone: String, to recipient: JID) async throws(ControlError) -> RoutedMessage {
        guard let account = await accounts.account(phone: phone) else { throw .notFound("no account \(phone)") }
        if recipient.server == JID.groupServer { return try await phoneSend(message, from: account, toGroup: recipient) }
        guard let peer = await accounts.account(owning: recipient) else { throw .notFound("no account \(recipient)") }
        guard peer.phone != account.phone else { throw .badRequest("To must be another account than From") }
        let store = PhoneSignalStore(account: account, state: phones)
        let id = MessageID.generate(ownUser: phone)
        let addressing = Self.phoneAddressing(from: account, to: peer, recipient: recipient)
        let stanza: Node
        do {
            stanza = try await phoneSignal.run(in: phone) {
                try await self.migratePhoneSessions(of: store, to: addressing.recipientDevices)
                return try await MessageEncryptor(store: store, fetchBundles: { try await self.claimBundles($0) }).stanza(
                    for: message, id: id, to: addressing.to, recipientDevices: addressing.recipientDevices,
                    ownDevices: addressing.ownDevices, deviceIdentity: nil)
            }
        } catch {
            throw .internalError("the phone could not encrypt the message: \(error)")
        }
        let routed: RoutedMessage
        do throws(MessageRefusal) {
            routed = try await check(stanza, from: account.deviceJID(0))
        } catch {
            throw .internalError("the phone's own message was refused: \(error.reason)")
        }
        await phoneSent.remember(message, id: id, by: phone)
        await deliver(routed)
        return routed
    }

    /// `GET /sandbox/messages`: what `phone`'s phone received, oldest first.
    func phoneMessages(of phone: String) async throws(ControlError) -> [PhoneMessage] {
        guard await accounts.account(phone: phone) != nil else { throw .notFound("no account \(phone)") }
        return await phones.received(by: phone)
    }

    /// Bundles of `devices`, each taking a one-time prekey off the server as a key fetch does,
    /// read back with the client's parser.
    func claimBundles(_ devices: [JID]) async throws -> [JID: PreKeyBundle] {
        let list = try await PreKeyStanzas.claim(devices, from: accounts)
        return try PreKeyBundleQuery.bundles(in: Node(tag: "iq", content: .nodes([list])))
    }
}
