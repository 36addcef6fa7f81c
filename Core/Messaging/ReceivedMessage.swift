import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WASignal

/// A decrypted 1:1 message, with what whatsmeow's `MessageInfo` says about it.
public struct ReceivedMessage: Sendable {
    public var id: String
    /// The conversation: the other party's user JID (ours: the `recipient` of our own sent copy).
    public var chat: JID
    /// The device that sent it.
    public var sender: JID
    public var isFromMe: Bool
    public var timestamp: Date
    public var pushName: String
    /// The stanza type: text, media, reaction, poll.
    public var type: String
    public var message: WAE2E_Message

    /// Decrypts `stanza`'s `<enc>` (pkmsg or msg) with the session of the sending device and
    /// unwraps our own devices' `DeviceSentMessage`.
    /// - Parameter ownUser: our account (any device), to tell our own messages apart.
    public static func decrypt(
        _ stanza: Node, ownUser: JID, store: any SignalProtocolStore
    ) async throws -> ReceivedMessage {
        guard let id = stanza["id"]?.description, let sender = stanza["from"]?.jid else {
            throw MessagingError.malformed("message without id or from")
        }
        guard let enc = stanza.children(tagged: "enc").first(where: { ["pkmsg", "msg"].contains($0["type"]?.description) }),
            case .bytes(let ciphertext) = enc.content, let encType = enc["type"]?.description
        else { throw MessagingError.malformed("message without a pkmsg or msg <enc>") }
        let version = enc["v"].flatMap { Int($0.description) } ?? 2
        let padded = try await SessionCipher(store: store, address: sender.signalAddress)
            .decrypt(CiphertextMessage(encType: encType, serialized: ciphertext))
        var message = try WAE2E_Message(serializedBytes: MessagePadding.unpad(padded, encVersion: version))
        let isFromMe = sender.user == ownUser.user && sender.server == ownUser.server
        var chat = sender.nonAD
        if isFromMe {
            guard let recipient = stanza["recipient"]?.jid ?? (try? JID(parsing: message.deviceSentMessage.destinationJid))
            else { throw MessagingError.malformed("own message without a recipient") }
            chat = recipient.nonAD
        }
        if message.hasDeviceSentMessage { message = message.deviceSentMessage.message }
        return ReceivedMessage(
            id: id, chat: chat, sender: sender, isFromMe: isFromMe,
            timestamp: Date(timeIntervalSince1970: stanza["t"].flatMap { Double($0.description) } ?? 0),
            pushName: stanza["notify"]?.description ?? "", type: stanza["type"]?.description ?? "text",
            message: message)
    }
}
