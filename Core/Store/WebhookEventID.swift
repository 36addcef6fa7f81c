import Crypto
import Foundation

/// The ids of webhook deliveries (`X-Wago-Event-Id`), by which receivers drop copies. An event
/// about a message is named by what it is about, not by when it was emitted: the same message
/// reported again (the server delivers it again when the gateway died before acking it) gets
/// the same id, and the outbox does not queue it twice.
public enum WebhookEventID {
    /// A fresh id, for events that happen once (a connection, a QR code, a receipt).
    public static func random() -> String {
        UUID().uuidString.lowercased()
    }

    /// The id of the `type` event about message `messageID` that `sender` sent in `chat`, as
    /// `session` saw it: the first 16 bytes of the SHA-256 of those fields, shaped as a
    /// version-8 (RFC 9562, hash-based) UUID so receivers that parse UUIDs accept it. (Built
    /// as bytes: every received message asks, and string interpolation and `UUID`'s text cost
    /// several times the hash.)
    public static func message(session: String, chat: String, sender: String, messageID: String, type: String) -> String {
        // Each field prefixed with its length, so no two different field lists hash alike.
        var fields: [UInt8] = []
        fields.reserveCapacity(64 + session.utf8.count + chat.utf8.count + sender.utf8.count + messageID.utf8.count)
        for field in ["wago.event", session, chat, sender, messageID, type] {
            fields += String(field.utf8.count).utf8
            fields.append(UInt8(ascii: ":"))
            fields += field.utf8
        }
        var bytes = Array(SHA256.hash(data: fields).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80
        bytes[8] = bytes[8] & 0x3F | 0x80
        return uuidText(bytes)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// 16 bytes as a UUID's lowercase text: 8-4-4-4-12 hex digits.
    private static func uuidText(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
