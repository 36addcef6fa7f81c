import Foundation
import WagoPluginKit

/// Messages: each route builds a WAProto `Message` in the protobuf JSON mapping and hands it to
/// the host's `send_message`, answering WaGo's `{"Details":"Sent","Timestamp","Id"}`.
extension MessagingPlugin {
    /// `/send/text` {Phone, Body, Id?, ContextInfo?}: a plain text, or an extended text when it
    /// carries a context (a quote or mentions), as WhatsApp clients send them.
    static func sendText(_ request: Request, _ host: Host) async throws -> Response {
        let body = try RequestBody(request)
        let chat = try body.chat("Phone")
        let text = try body.requiredString("Body")
        var message: [String: Any] = ["conversation": text]
        if let context = try body.object("ContextInfo"), !context.isEmpty {
            message = ["extendedTextMessage": ["text": text, "contextInfo": context]]
        }
        return try await send(message, to: chat, id: try body.string("Id"), request, host)
    }

    /// `/message/react` {Phone, Body, Id, IsFromMe}: a reaction (an empty Body removes it).
    static func react(_ request: Request, _ host: Host) async throws -> Response {
        let body = try RequestBody(request)
        let chat = try body.chat("Phone")
        let emoji = try body.string("Body") ?? ""
        let target = try body.requiredString("Id")
        let fromMe = try body.bool("IsFromMe") ?? false
        let reaction: [String: Any] = [
            // Field names as WAProto declares them (protobuf JSON keeps their case).
            "key": ["remoteJID": chat, "fromMe": fromMe, "ID": target],
            "text": emoji,
            "senderTimestampMS": String(Int64(Date().timeIntervalSince1970 * 1000)),
        ]
        return try await send(["reactionMessage": reaction], to: chat, id: nil, request, host)
    }

    private static func send(
        _ message: [String: Any], to chat: String, id: String?, _ request: Request, _ host: Host
    ) async throws -> Response {
        let options = try id.map { #"{"ID":\#(try jsonText($0))}"# } ?? ""
        let sent = try await host.sendMessage(
            session: request.session, chat: chat, messageJSON: try jsonText(message), optionsJSON: options)
        guard let reply = try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any] else {
            throw HTTPError(500, "the host answered send_message with \(sent)")
        }
        return .json(try jsonText(["Details": "Sent", "Timestamp": reply["Timestamp"] ?? 0, "Id": reply["ID"] ?? ""]))
    }

    static func jsonText(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]), as: UTF8.self)
    }
}
