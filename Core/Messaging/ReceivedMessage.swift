import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WASignal

/// A decrypted message, 1:1 or in a group, with what whatsmeow's `MessageInfo` says about it.
public struct ReceivedMessage: Sendable {
    public var id: String
    /// The conversation: the other party's user JID (ours: the `recipient` of our own sent
    /// copy), or the group's `@g.us` JID.
    public var chat: JID
    /// The device that sent it.
    public var sender: JID
    public var isFromMe: Bool
    public var timestamp: Date
    public var pushName: String
    /// The stanza type: text, media, reaction, poll.
    public var type: String
    /// The stanza's `edit` attribute ("1" edit, "7" sender revoke, "8" admin revoke, ...), or "".
    public var edit: String
    /// The stanza's addressing mode and the parties' other identities (LID or phone number).
    public var addressing = MessageAddressing()
    public var message: WAE2E_Message

    public var isGroup: Bool { chat.server == JID.groupServer }

    /// Decrypts `stanza`: its `pkmsg`/`msg` with the session of the sending device (unwrapping
    /// our own devices' `DeviceSentMessage`), a SenderKeyDistributionMessage inside it into
    /// `senderKeys`, and a group's `skmsg` with the sender's key from `senderKeys`.
    /// - Parameters:
    ///   - ownUser: our account (any device), to tell our own messages apart.
    ///   - ownLID: our account's LID, which our own messages may come from too.
    ///   - senderLID: the LID device a sender writing as a phone number decrypts as
    ///     (`LIDDecryption`): its sessions and sender keys are the LID's, and it is `senderAlt`.
    ///   - senderKeys: where group sender keys live; without it, group messages cannot be read.
    public static func decrypt(
        _ stanza: Node, ownUser: JID, ownLID: JID? = nil, senderLID: JID? = nil, store: any SignalProtocolStore,
        senderKeys: (any SignalSenderKeyStore)? = nil
    ) async throws -> ReceivedMessage {
        guard let id = stanza["id"]?.description else { throw MessagingError.malformed("message without id") }
        let (sender, group) = try Self.sender(of: stanza)
        let identity = senderLID ?? sender
        var content: WAE2E_Message?
        for enc in stanza.children(tagged: "enc") {
            guard case .bytes(let ciphertext) = enc.content, let encType = enc["type"]?.description else {
                throw MessagingError.malformed("<enc> without type or bytes")
            }
            let version = enc["v"].flatMap { Int($0.description) } ?? 2
            switch encType {
            case "pkmsg", "msg":
                let padded = try await SessionCipher(store: store, address: identity.signalAddress)
                    .decrypt(CiphertextMessage(encType: encType, serialized: ciphertext))
                var message = try WAE2E_Message(serializedBytes: MessagePadding.unpad(padded, encVersion: version))
                if message.hasSenderKeyDistributionMessage, let group {
                    try await process(message.senderKeyDistributionMessage, group: group, sender: identity, senderKeys)
                    message.clearSenderKeyDistributionMessage()
                }
                if message != WAE2E_Message() { content = message }
            case "skmsg":
                guard let group, let senderKeys else { throw MessagingError.malformed("skmsg outside a group") }
                let padded = try await GroupCipher(
                    store: senderKeys, name: GroupMessageEncryptor.senderKeyName(group: group, sender: identity)
                ).decrypt(try SenderKeyMessage(serialized: ciphertext))
                content = try WAE2E_Message(serializedBytes: MessagePadding.unpad(padded, encVersion: version))
            default:
                continue
            }
        }
        guard var message = content else { throw MessagingError.malformed("message without a pkmsg, msg or skmsg <enc>") }
        let isFromMe = Self.isOwn(sender, ownUser: ownUser, ownLID: ownLID)
        var chat = group ?? sender.nonAD
        if isFromMe, group == nil {
            guard let recipient = stanza["recipient"]?.jid ?? (try? JID(parsing: message.deviceSentMessage.destinationJid))
            else { throw MessagingError.malformed("own message without a recipient") }
            chat = recipient.nonAD
        }
        if message.hasDeviceSentMessage { message = message.deviceSentMessage.message }
        var addressing = MessageAddressing(of: stanza, sender: sender, chat: chat, isFromMe: isFromMe)
        if let senderLID { addressing.senderAlt = senderLID }
        return ReceivedMessage(
            id: id, chat: chat, sender: sender, isFromMe: isFromMe,
            timestamp: Date(timeIntervalSince1970: stanza["t"].flatMap { Double($0.description) } ?? 0),
            pushName: stanza["notify"]?.description ?? "", type: stanza["type"]?.description ?? "text",
            edit: stanza["edit"]?.description ?? "", addressing: addressing, message: message)
    }

    /// The device that sent `stanza` (`participant` in a group, else `from`) and its group, if any.
    static func sender(of stanza: Node) throws -> (sender: JID, group: JID?) {
        guard let from = stanza["from"]?.jid else { throw MessagingError.malformed("message without from") }
        guard from.server == JID.groupServer else { return (from, nil) }
        guard let participant = stanza["participant"]?.jid else { throw MessagingError.malformed("group message without participant") }
        return (participant, from.nonAD)
    }

    /// Whether `sender` is one of our devices, by phone number or by LID.
    static func isOwn(_ sender: JID, ownUser: JID, ownLID: JID?) -> Bool {
        [ownUser, ownLID].contains { $0?.user == sender.user && $0?.server == sender.server }
    }

    /// Stores `sender`'s sender key for `group` from its distribution message.
    private static func process(
        _ distribution: WAE2E_SenderKeyDistributionMessage, group: JID, sender: JID, _ senderKeys: (any SignalSenderKeyStore)?
    ) async throws {
        guard let senderKeys else { throw MessagingError.malformed("a sender key arrived without a sender key store") }
        let message = try SenderKeyDistributionMessage(serialized: Array(distribution.axolotlSenderKeyDistributionMessage))
        try await GroupCipher(store: senderKeys, name: GroupMessageEncryptor.senderKeyName(group: group, sender: sender))
            .process(message)
    }
}
