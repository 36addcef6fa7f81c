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
        return try await deliver(messageJSON: try content.messageJSON(contextInfo: context), to: chat, id: id, request, host)
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
        return try await deliver(messageJSON: try jsonText(["reactionMessage": reaction]), to: chat, id: nil, request, host)
    }

    /// Sends a `Message` (its protobuf JSON) and answers with what the host reported; records
    /// the message as sent for `/message/status`, queued (a failure to record it is logged:
    /// the message is out).
    static func deliver(
        messageJSON: String, to chat: String, id: String?, _ request: Request, _ host: Host
    ) async throws -> Response {
        let options = id.map { #"{"ID":\#(jsonString($0))}"# } ?? ""
        let sent = try await host.sendMessage(
            session: request.session, chat: chat, messageJSON: messageJSON, optionsJSON: options)
        guard let reply = SentMessageReply(json: sent) else {
            throw HTTPError(500, "the host answered send_message with \(sent)")
        }
        let timestamp = reply.timestamp ?? Int64(Date().timeIntervalSince1970)
        MessageStatusBook.recordQueued(
            .sent, ids: [reply.id], generated: id == nil, at: timestamp, session: request.session, host: host)
        // `jsonText(["Details": "Sent", "Timestamp": timestamp, "Id": reply.id])`, written directly.
        return .json(#"{"Details":"Sent","Id":\#(jsonString(reply.id)),"Timestamp":\#(timestamp)}"#)
    }

    /// A `MessageKey` (WAProto field names: protobuf JSON keeps their case).
    static func messageKey(chat: String, id: String, fromMe: Bool) -> [String: Any] {
        ["remoteJID": chat, "fromMe": fromMe, "ID": id]
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// `text` as a JSON string literal, as `jsonText` writes it (slashes unescaped), without
    /// JSONSerialization's cost: every send answers with its id. Works on UTF-8 bytes: only
    /// ASCII ones are escaped, the others pass as they are.
    static func jsonString(_ text: String) -> String {
        var literal: [UInt8] = []
        literal.reserveCapacity(text.utf8.count + 2)
        literal.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): literal += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"): literal += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): literal += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): literal += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: literal += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: literal.append(byte)
            }
        }
        literal.append(UInt8(ascii: "\""))
        return String(decoding: literal, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func jsonText(_ value: Any) throws -> String {
        let options: JSONSerialization.WritingOptions = [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: options), as: UTF8.self)
    }
}
