import Foundation
import WagoPluginKit

/// The one send path: every `/send/*` route reads its recipient, optional message id and
/// ContextInfo here, builds a `MessageContent`, and hands the WAProto `Message` (protobuf
/// JSON mapping) to the host's `send_message`, answering WaGo's
/// `{"Details":"Sent","Timestamp","Id"}`.
extension MessagingPlugin {
    /// Parses the request, builds its message with `build` and sends it.
    /// - Parameters:
    ///   - recipient: the field naming the chat (`Phone`; `Jid` for `/send/mediaurl`).
    ///   - idField: the optional field choosing the message id, or nil when the route has none.
    static func send(
        _ request: Request, _ host: Host, recipient: String = "Phone", idField: String? = "Id",
        build: (RequestBody) async throws -> MessageContent
    ) async throws -> Response {
        let body = try RequestBody(request)
        let chat = try body.chat(recipient)
        let id = try idField.flatMap { try body.string($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let context = try body.object("ContextInfo").flatMap { $0.isEmpty ? nil : GoFieldNames.protoJSON($0) as? [String: Any] }
        let content = try await build(body)
        return try await deliver(content.message(contextInfo: context), to: chat, id: id, request, host)
    }

    /// `/send/text` {Phone, Body, Id?, ContextInfo?}: a plain text, or an extended text when it
    /// carries a context (a quote or mentions), as WhatsApp clients send them.
    static func sendText(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in .text(try body.requiredString("Body")) }
    }

    /// `/message/react` {Phone, Body, Id, IsFromMe}: a reaction (an empty Body removes it).
    static func react(_ request: Request, _ host: Host) async throws -> Response {
        let body = try RequestBody(request)
        let chat = try body.chat("Phone")
        let emoji = try body.string("Body") ?? ""
        let target = try body.requiredString("Id")
        let fromMe = try body.bool("IsFromMe") ?? false
        let reaction: [String: Any] = [
            "key": messageKey(chat: chat, id: target, fromMe: fromMe),
            "text": emoji,
            "senderTimestampMS": String(nowMilliseconds()),
        ]
        return try await deliver(["reactionMessage": reaction], to: chat, id: nil, request, host)
    }

    /// Sends a `Message` and answers with what the host reported; records the message as sent
    /// for `/message/status`, queued (a failure to record it is logged: the message is out).
    static func deliver(
        _ message: [String: Any], to chat: String, id: String?, _ request: Request, _ host: Host
    ) async throws -> Response {
        let options = id.map { #"{"ID":\#(jsonString($0))}"# } ?? ""
        let sent = try await host.sendMessage(
            session: request.session, chat: chat, messageJSON: try jsonText(message), optionsJSON: options)
        guard let reply = try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any],
            let sentID = reply["ID"] as? String
        else {
            throw HTTPError(500, "the host answered send_message with \(sent)")
        }
        let timestamp = (reply["Timestamp"] as? NSNumber)?.int64Value ?? Int64(Date().timeIntervalSince1970)
        MessageStatusBook.recordQueued(
            .sent, ids: [sentID], generated: id == nil, at: timestamp, session: request.session, host: host)
        // `jsonText(["Details": "Sent", "Timestamp": timestamp, "Id": sentID])`, written directly.
        return .json(#"{"Details":"Sent","Id":\#(jsonString(sentID)),"Timestamp":\#(timestamp)}"#)
    }

    /// A `MessageKey` (WAProto field names: protobuf JSON keeps their case).
    static func messageKey(chat: String, id: String, fromMe: Bool) -> [String: Any] {
        ["remoteJID": chat, "fromMe": fromMe, "ID": id]
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// `text` as a JSON string literal, as `jsonText` writes it (slashes unescaped), without
    /// JSONSerialization's cost: every send answers with its id.
    static func jsonString(_ text: String) -> String {
        var literal = "\""
        literal.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }

    static func jsonText(_ value: Any) throws -> String {
        let options: JSONSerialization.WritingOptions = [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: options), as: UTF8.self)
    }
}
