// messaging: WaGo's /send/*, /message/* and /chat/* routes, as a plugin of the C ABI. It builds
// WAProto messages and stanzas as JSON; the core encrypts, sends and reports them.

import Foundation
import WagoPluginABI
import WagoPluginKit

/// The SDK's host, not Foundation's (Linux Foundation has a `Host` class too).
typealias Host = WagoPluginKit.Host

/// The library's one export.
@c(wago_plugin_entry) public func wagoPluginEntry(_ hostABIVersion: UInt32) -> UnsafePointer<wago_plugin_manifest>? {
    MessagingPlugin.entry(hostABIVersion)
}

struct MessagingPlugin: WagoPlugin {
    static let name = "messaging"
    static let version = "0.1.0"
    static let description = "Sends texts and reactions, marks messages read, and shows typing and recording"

    static var routes: [Route] {
        [
            Route(.post, "/send/text", auth: .session, handler: sendText),
            Route(.post, "/message/react", auth: .session, handler: react),
            Route(.post, "/message/markread", auth: .session, handler: markRead),
            Route(.post, "/message/presence", auth: .session, handler: chatPresence),
            Route(.post, "/chat/typing/start", auth: .session) { try await chatState($0, $1, .composing) },
            Route(.post, "/chat/typing/stop", auth: .session) { try await chatState($0, $1, .paused) },
            Route(.post, "/chat/recording/start", auth: .session) { try await chatState($0, $1, .recording) },
            Route(.post, "/chat/recording/stop", auth: .session) { try await chatState($0, $1, .paused) },
        ]
    }
}
