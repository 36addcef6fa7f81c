// hello-swift: a WaGo plugin in Swift. POST /hello-swift/echo answers the request's Text with
// the caller's session id and how often this session called it; POST /hello-swift/send sends
// a text message through the session's WhatsApp account.

#if canImport(FoundationEssentials)
import FoundationEssentials  // JSONDecoder/JSONEncoder without the rest of Foundation
#else
import Foundation
#endif
import WagoPluginABI
import WagoPluginKit

/// The library's one export. It must be `public` and `@c`: release builds export nothing else.
@c(wago_plugin_entry) public func wagoPluginEntry(_ hostABIVersion: UInt32) -> UnsafePointer<wago_plugin_manifest>? {
    HelloSwiftPlugin.entry(hostABIVersion)
}

struct HelloSwiftPlugin: WagoPlugin {
    static let name = "hello-swift"
    static let version = "1.0.0"
    static let description = "Echoes a text with the caller's session and call count; sends a text message"

    static var routes: [Route] {
        [
            Route(.post, "/hello-swift/echo", auth: .session, handler: echo),
            Route(.post, "/hello-swift/send", auth: .session, handler: send),
        ]
    }

    // WaGo's JSON field names are capitalised and case-sensitive.
    struct EchoRequest: Decodable { let Text: String }
    struct EchoReply: Encodable { let Echo: String; let Session: String; let Calls: Int }

    /// Never suspends, so it runs inline on the host's thread: kv storage is local and quick.
    static func echo(_ request: Request, _ host: Host) throws -> Response {
        guard let input = try? JSONDecoder().decode(EchoRequest.self, from: Data(request.body)) else {
            throw HTTPError(400, "missing Text in payload")
        }
        let calls = try countCall(session: request.session, host)
        return .json(try jsonText(EchoReply(Echo: input.Text, Session: request.session, Calls: calls)))
    }

    struct SendRequest: Decodable { let Phone: String; let Body: String }
    struct TextMessage: Encodable { let conversation: String }  // WAProto Message, protobuf JSON

    /// Suspends while WhatsApp answers; the host's thread is free meanwhile.
    static func send(_ request: Request, _ host: Host) async throws -> Response {
        guard let input = try? JSONDecoder().decode(SendRequest.self, from: Data(request.body)) else {
            throw HTTPError(400, "missing Phone or Body in payload")
        }
        let sent = try await host.sendMessage(
            session: request.session, chat: "\(input.Phone)@s.whatsapp.net",
            messageJSON: try jsonText(TextMessage(conversation: input.Body)))
        return .json(sent)  // {"ID":"...","Timestamp":...}
    }

    /// Counts this session's echo calls in the plugin's kv storage, as decimal text.
    static func countCall(session: String, _ host: Host) throws -> Int {
        let stored = try host.kvGet("echo-calls", session: session).flatMap { Int(String(decoding: $0, as: UTF8.self)) }
        let calls = (stored ?? 0) + 1
        try host.kvSet("echo-calls", Array(String(calls).utf8), session: session)
        return calls
    }

    static func jsonText(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
