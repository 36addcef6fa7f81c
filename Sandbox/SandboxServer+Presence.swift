import Foundation
import Hummingbird
import WABinary

/// The control API's presence routes: a virtual phone goes online or offline, types in a
/// chat, and shows what presences and chat states it saw.
extension SandboxServer {
    nonisolated func addPresenceRoutes(to router: Router<BasicRequestContext>) {
        // {From, State: available|unavailable}
        router.post("/sandbox/presence") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("From")
                let available: Bool
                switch try body.string("State") {
                case "available": available = true
                case "unavailable": available = false
                case let other: throw .badRequest("State must be \"available\" or \"unavailable\", not \"\(other)\"")
                }
                try await self.presence.phoneAnnounces(available: available, phone: phone)
                return "{}"
            }
        }
        // {From, To, State: composing|paused, Media?: audio}
        router.post("/sandbox/chatpresence") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("From")
                let to = try Self.chatJID(try body.string("To"))
                let media = try body.optionalString("Media") ?? ""
                try await self.presence.phoneChatState(try body.string("State"), media: media, from: phone, to: to)
                return "{}"
            }
        }
        router.get("/sandbox/presences") { request, context in
            await self.answer(request, context, readingBody: false) { _ throws(ControlError) in
                guard let phone = request.uri.queryParameters["Phone"].map(String.init), !phone.isEmpty else {
                    throw .badRequest("missing Phone in query")
                }
                return Self.json(PhonePresencesReply(presences: try await self.presence.seen(by: phone)))
            }
        }
    }

    /// A JID, or a bare phone number for its account.
    private static func chatJID(_ text: String) throws(ControlError) -> JID {
        if text.allSatisfy(\.isNumber) { return JID(user: text, server: JID.userServer) }
        do {
            return try JID(parsing: text)
        } catch {
            throw .badRequest("To is not a JID or phone number: \(error)")
        }
    }
}
