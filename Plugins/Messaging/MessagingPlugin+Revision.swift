import Foundation
import WagoPluginKit

/// Changing a message already sent: revoking it for everyone and editing its text, as
/// protocol messages that name the original by its key.
extension MessagingPlugin {
    /// `/message/delete` {Chat, MessageID}: a `REVOKE` protocol message for our own message.
    static func deleteMessage(_ request: Request, _ host: Host) async throws -> Response {
        let body = try RequestBody(request)
        let chat = try body.chat("Chat")
        let revoke: [String: Any] = [
            "type": "REVOKE", "key": messageKey(chat: chat, id: try body.requiredString("MessageID"), fromMe: true),
        ]
        return try await deliver(messageJSON: try jsonText(["protocolMessage": revoke]), to: chat, id: nil, request, host)
    }

    /// `/message/edit` {Chat, Message, MessageID}: a `MESSAGE_EDIT` protocol message carrying
    /// the new text, in an `editedMessage` envelope as WhatsApp clients send edits.
    static func editMessage(_ request: Request, _ host: Host) async throws -> Response {
        let body = try RequestBody(request)
        let chat = try body.chat("Chat")
        let text = try body.requiredString("Message")
        let edit: [String: Any] = [
            "type": "MESSAGE_EDIT", "key": messageKey(chat: chat, id: try body.requiredString("MessageID"), fromMe: true),
            "editedMessage": ["conversation": text], "timestampMS": String(nowMilliseconds()),
        ]
        let message = try jsonText(["editedMessage": ["message": ["protocolMessage": edit]]])
        return try await deliver(messageJSON: message, to: chat, id: nil, request, host)
    }
}
