import Foundation
import WagoPluginKit

/// Stanzas without a message: typing and recording (`<chatstate>`) and read receipts.
extension MessagingPlugin {
    enum ChatState {
        case composing, recording, paused

        /// `<composing/>`, `<composing media=audio/>` or `<paused/>`.
        var child: [String: Any] {
            switch self {
            case .composing: ["tag": "composing"]
            case .recording: ["tag": "composing", "attrs": ["media": "audio"]]
            case .paused: ["tag": "paused"]
            }
        }
    }

    /// `/chat/typing/*` and `/chat/recording/*` {Jid}.
    static func chatState(_ request: Request, _ host: Host, _ state: ChatState) async throws -> Response {
        let chat = try RequestBody(request).chat("Jid")
        try await sendChatState(state, to: chat, request, host)
        return .json(#"{"Details":"Chat presence set successfully"}"#)
    }

    /// `/message/presence` {Phone, State: composing|paused, Media: ""|audio}.
    static func chatPresence(_ request: Request, _ host: Host) async throws -> Response {
        let body = try RequestBody(request)
        let chat = try body.chat("Phone")
        let state: ChatState
        switch (try body.requiredString("State"), try body.string("Media") ?? "") {
        case ("composing", ""): state = .composing
        case ("composing", "audio"): state = .recording
        case ("paused", _): state = .paused
        case (_, let media) where !["", "audio"].contains(media):
            throw HTTPError(400, "Media must be empty or \"audio\"")
        default: throw HTTPError(400, "State must be \"composing\" or \"paused\"")
        }
        try await sendChatState(state, to: chat, request, host)
        return .json(#"{"Details":"Chat presence set successfully"}"#)
    }

    private static func sendChatState(_ state: ChatState, to chat: String, _ request: Request, _ host: Host) async throws {
        let node: [String: Any] = ["tag": "chatstate", "attrs": ["to": chat], "content": [state.child]]
        try await host.sendNode(session: request.session, nodeJSON: try jsonText(node))
    }

    /// `/message/markread` {Id: [ids], Chat, Sender?}: one read receipt for all of them, as
    /// whatsmeow's MarkRead sends it (the first id on the receipt, the rest in `<list>`).
    static func markRead(_ request: Request, _ host: Host) async throws -> Response {
        let body = try RequestBody(request)
        let ids = try body.stringList("Id")
        guard let first = ids.first else { throw HTTPError(400, "missing Id in payload") }
        let chat = try body.chat("Chat")
        var attributes: [String: Any] = [
            "id": first, "to": chat, "type": "read", "t": String(Int64(Date().timeIntervalSince1970)),
        ]
        if let sender = try body.string("Sender"), !sender.isEmpty { attributes["participant"] = try body.chat("Sender") }
        var node: [String: Any] = ["tag": "receipt", "attrs": attributes]
        if ids.count > 1 {
            node["content"] = [["tag": "list", "content": ids.dropFirst().map { ["tag": "item", "attrs": ["id": $0]] }]]
        }
        try await host.sendNode(session: request.session, nodeJSON: try jsonText(node))
        return .json(#"{"Details":"Message(s) marked as read"}"#)
    }
}
