import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WASignal

/// Answering a retry receipt as whatsmeow's `handleRetryReceipt` does: the message again,
/// encrypted for the asking device alone, with the original id.
extension RetryReceipt {
    /// The resend of `original` (the message as we sent it) to the asking device: for a group
    /// `<message to=<group> participant=<device>>` with our sender key inside, for our own other
    /// device a `DeviceSentMessage`, else `<message to=<device> device_fanout=false>`; one
    /// `<enc count=N>` on that device's session, with our identity when it is a prekey message.
    /// A session is started first from the receipt's bundle, or from `fetchBundles` when we
    /// have none or `history` says it is time for a new one (whatsmeow's `shouldRecreateSession`).
    /// - Parameters:
    ///   - sender: this device.
    ///   - senderKeys: where our group sender key lives (read for a group's resend only).
    ///   - history: when sessions were last started anew for retry receipts.
    ///   - deviceIdentity: our ADVSignedDeviceIdentity without the account key.
    ///   - lids: which session the asking device is on (its LID's for a phone number with a known LID).
    /// - Throws: `MessagingError.noBundle` when a new session is due and the device has no bundle.
    public func resend(
        _ original: WAE2E_Message, sender: JID, store: any SignalProtocolStore, senderKeys: any SignalSenderKeyStore,
        fetchBundles: @escaping @Sendable ([JID]) async throws -> [JID: PreKeyBundle], history: AnswerHistory,
        deviceIdentity: [UInt8]?, lids: LIDEncryption = LIDEncryption()
    ) async throws -> Node {
        let chat = self.chat(sender: sender)
        var message = original
        if isGroup {
            let cipher = GroupCipher(store: senderKeys, name: GroupMessageEncryptor.senderKeyName(group: chat, sender: sender))
            var distribution = WAE2E_SenderKeyDistributionMessage()
            distribution.groupID = chat.description
            distribution.axolotlSenderKeyDistributionMessage = Data(try await cipher.distributionMessage().serialized)
            message.senderKeyDistributionMessage = distribution
        } else if isFromOwnDevice(sender: sender) {
            message = WAE2E_Message()
            message.deviceSentMessage.destinationJid = chat.description
            message.deviceSentMessage.message = original
        }
        let address = lids.sessionDevice(for: requester).signalAddress
        if let bundle {
            try await SessionCipher(store: store, address: address).processBundle(bundle)
        } else if await history.shouldRecreateSession(
            with: requester, count: count, hasSession: try await store.session(for: address)?.hasSession == true)
        {
            guard let fetched = try await fetchBundles([requester])[requester] else {
                throw MessagingError.noBundle(requester.description)
            }
            try await SessionCipher(store: store, address: address).processBundle(fetched)
        }
        var encAttributes = MessageAttributes.encAttributes(of: original)
        encAttributes["count"] = .string(String(count))
        let plaintext: [UInt8] = try message.serializedBytes()
        let encrypted = try await MessageEncryptor(store: store, fetchBundles: fetchBundles, lids: lids)
            .participants([requester], encAttributes: encAttributes) { _ in plaintext }
        guard let enc = encrypted.nodes.first?.child(tagged: "enc") else { throw MessagingError.noBundle(requester.description) }

        var attributes = MessageAttributes.stanza(id: messageID, to: from, message: original)
        if let messageTimestamp { attributes["t"] = .string(messageTimestamp) }
        if isGroup {
            attributes["participant"] = .jid(requester)
        } else {
            attributes["device_fanout"] = "false"
        }
        if let recipient { attributes["recipient"] = .jid(recipient) }
        var children = [enc]
        if encrypted.anyPreKeyMessage, let deviceIdentity {
            children.append(Node(tag: "device-identity", content: .bytes(deviceIdentity)))
        }
        children += MessageAttributes.trailingNodes(of: original, to: chat)
        return Node(tag: "message", attributes: attributes, content: .nodes(children))
    }
}
