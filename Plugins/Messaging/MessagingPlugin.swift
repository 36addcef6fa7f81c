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
    static let description =
        "Sends texts, media, locations, contacts, polls, link previews and interactive messages; edits, revokes, reacts, downloads media, reports message status, marks read and shows typing"

    static var routes: [Route] {
        [
            Route(.post, "/send/text", auth: .session, handler: sendText),
            Route(.post, "/send/image", auth: .session, handler: sendImage),
            Route(.post, "/send/audio", auth: .session, handler: sendAudio),
            Route(.post, "/send/document", auth: .session, handler: sendDocument),
            Route(.post, "/send/video", auth: .session, handler: sendVideo),
            Route(.post, "/send/sticker", auth: .session, handler: sendSticker),
            Route(.post, "/send/mediaurl", auth: .session, handler: sendMediaURL),
            Route(.post, "/send/location", auth: .session, handler: sendLocation),
            Route(.post, "/send/contact", auth: .session, handler: sendContact),
            Route(.post, "/send/poll", auth: .session, handler: sendPoll),
            Route(.post, "/send/preview", auth: .session, handler: sendLinkPreview),
            Route(.post, "/send/preview2", auth: .session, handler: sendLinkPreview2),
            Route(.post, "/send/groupinvite", auth: .session, handler: sendGroupInvite),
            Route(.post, "/send/buttons", auth: .session, handler: sendButtons),
            Route(.post, "/send/mediabutton", auth: .session, handler: sendMediaButton),
            Route(.post, "/send/list", auth: .session, handler: sendList),
            Route(.post, "/send/template", auth: .session, handler: sendTemplate),
            Route(.post, "/send/locationbutton", auth: .session, handler: sendLocationButton),
            Route(.post, "/send/pixbutton", auth: .session, handler: sendPixButton),
            Route(.post, "/send/reviewpay", auth: .session, handler: sendReviewAndPay),
            Route(.post, "/send/carousel", auth: .session, handler: sendCarousel),
            Route(.post, "/send/carouselmedia", auth: .session, handler: sendCarouselMedia),
            Route(.post, "/message/react", auth: .session, handler: react),
            Route(.post, "/message/delete", auth: .session, handler: deleteMessage),
            Route(.post, "/message/edit", auth: .session, handler: editMessage),
            Route(.post, "/message/status", auth: .session, handler: messageStatus),
            Route(.post, "/message/markread", auth: .session, handler: markRead),
            Route(.post, "/message/presence", auth: .session, handler: chatPresence),
            Route(.post, "/message/downloadimage", auth: .session) { try await downloadMedia($0, $1, kind: .image) },
        ] + MediaKind.allCases.map { kind in
            Route(.post, "/message/download/\(kind.rawValue)", auth: .session) { try await downloadMedia($0, $1, kind: kind) }
        } + [
            Route(.post, "/chat/typing/start", auth: .session) { try await chatState($0, $1, .composing) },
            Route(.post, "/chat/typing/stop", auth: .session) { try await chatState($0, $1, .paused) },
            Route(.post, "/chat/recording/start", auth: .session) { try await chatState($0, $1, .recording) },
            Route(.post, "/chat/recording/stop", auth: .session) { try await chatState($0, $1, .paused) },
        ]
    }

    /// Receipts move sent messages forward for /message/status; a logout (a linked session's
    /// deletion starts with one) drops the session's entries from the book's memory until it
    /// connects again.
    static var events: [EventSubscription] {
        [
            EventSubscription("ReadReceipt") { event, host in try await recordReceipt(event, host) },
            EventSubscription("LoggedOut") { event, _ in try await MessageStatusBook.forget(session: event.session) },
            EventSubscription("Connected") { event, _ in try await MessageStatusBook.connected(session: event.session) },
        ]
    }
}
