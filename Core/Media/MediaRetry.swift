import Crypto
import Foundation
import SwiftProtobuf
import WABinary
import WACrypto
import WAProto

/// Asking the sender's phone to upload an expired media file again (whatsmeow `mediaretry.go`):
/// the client sends `<receipt type=server-error>` holding an encrypted `ServerErrorReceipt`, and
/// the phone answers with `<notification type=mediaretry>` holding an encrypted
/// `MediaRetryNotification` with the new direct path. Both payloads are AES-256-GCM under
/// HKDF-SHA256(mediaKey, info "WhatsApp Media Retry Notification", 32 bytes), with a 12-byte
/// IV and the message id as associated data; the tag follows the ciphertext.
public enum MediaRetry {
    static let info = Array("WhatsApp Media Retry Notification".utf8)
    public static let ivLength = 12

    /// The AES-GCM key of a message's retry payloads.
    public static func key(mediaKey: [UInt8]) -> [UInt8] {
        HKDFSHA256.derive(mediaKey, info: info, count: 32)
    }

    /// The client's request for message `messageID` of `chat` (sent to its own account), as
    /// whatsmeow's `SendMediaRetryReceipt` builds it; `participant` is the sender in a group.
    public static func receipt(
        messageID: String, ownJID: JID, chat: JID, fromMe: Bool, participant: JID?, mediaKey: [UInt8],
        iv: [UInt8] = randomBytes(ivLength)
    ) throws(MediaRetryError) -> Node {
        var request = WAMmsRetry_ServerErrorReceipt()
        request.stanzaID = messageID
        let ciphertext = try seal(request, messageID: messageID, mediaKey: mediaKey, iv: iv)
        var rmr: Attributes = ["jid": .jid(chat), "from_me": .string(fromMe ? "true" : "false")]
        if let participant { rmr["participant"] = .jid(participant) }
        return Node(
            tag: "receipt",
            attributes: ["id": .string(messageID), "to": .jid(ownJID), "type": "server-error"],
            content: .nodes([
                Node(
                    tag: "encrypt",
                    content: .nodes([Node(tag: "enc_p", content: .bytes(ciphertext)), Node(tag: "enc_iv", content: .bytes(iv))])),
                Node(tag: "rmr", attributes: rmr),
            ]))
    }

    /// The phone's side: checks that a `server-error` receipt decrypts under `mediaKey` and
    /// names the message it is about.
    public static func openReceipt(_ receipt: Node, mediaKey: [UInt8]) throws(MediaRetryError) {
        guard let id = receipt["id"]?.description else { throw .missing("id") }
        let (ciphertext, iv) = try encrypted(in: receipt)
        let request: WAMmsRetry_ServerErrorReceipt = try open(ciphertext, iv: iv, messageID: id, mediaKey: mediaKey)
        guard request.stanzaID == id else { throw .messageMismatch(expected: id, found: request.stanzaID) }
    }

    /// `payload` sealed for message `messageID`: ciphertext ‖ 16-byte tag.
    public static func seal(
        _ payload: some SwiftProtobuf.Message, messageID: String, mediaKey: [UInt8], iv: [UInt8]
    ) throws(MediaRetryError) -> [UInt8] {
        do {
            let plaintext: [UInt8] = try payload.serializedBytes()
            let box = try AES.GCM.seal(
                plaintext, using: SymmetricKey(data: key(mediaKey: mediaKey)), nonce: AES.GCM.Nonce(data: iv),
                authenticating: Array(messageID.utf8))
            return Array(box.ciphertext) + Array(box.tag)
        } catch {
            throw .malformedPayload
        }
    }

    /// Opens what `seal` sealed.
    static func open<Payload: SwiftProtobuf.Message>(
        _ sealed: [UInt8], iv: [UInt8], messageID: String, mediaKey: [UInt8]
    ) throws(MediaRetryError) -> Payload {
        let plaintext: Data
        do {
            guard sealed.count >= 16 else { throw MediaRetryError.decryptionFailed }
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: iv), ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
            plaintext = try AES.GCM.open(
                box, using: SymmetricKey(data: key(mediaKey: mediaKey)), authenticating: Array(messageID.utf8))
        } catch {
            throw .decryptionFailed
        }
        do {
            return try Payload(serializedBytes: Array(plaintext))
        } catch {
            throw .malformedPayload
        }
    }

    /// The `<encrypt><enc_p/><enc_iv/></encrypt>` of a retry stanza.
    static func encrypted(in stanza: Node) throws(MediaRetryError) -> (ciphertext: [UInt8], iv: [UInt8]) {
        guard let encrypt = stanza.child(tagged: "encrypt") else { throw .missing("encrypt") }
        guard case .bytes(let ciphertext) = encrypt.child(tagged: "enc_p")?.content else { throw .missing("enc_p") }
        guard case .bytes(let iv) = encrypt.child(tagged: "enc_iv")?.content else { throw .missing("enc_iv") }
        return (ciphertext, iv)
    }
}
