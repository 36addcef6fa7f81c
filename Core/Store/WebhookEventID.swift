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
    /// version-8 (RFC 9562, hash-based) UUID so receivers that parse UUIDs accept it.
    public static func message(session: String, chat: String, sender: String, messageID: String, type: String) -> String {
        // Each field prefixed with its length, so no two different field lists hash alike.
        let fields = ["wago.event", session, chat, sender, messageID, type].map { "\($0.utf8.count):\($0)" }.joined()
        var bytes = Array(SHA256.hash(data: Data(fields.utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(uuid: bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }).uuidString.lowercased()
    }
}
