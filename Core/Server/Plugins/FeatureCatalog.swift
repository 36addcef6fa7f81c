import Hummingbird

/// Which feature serves each route of WaGo's API (docs/endpoints.md lists the same). A route
/// that no loaded plugin serves answers 501 naming its feature, so a deployment that left a
/// plugin out tells its clients why instead of a bare 404.
enum FeatureCatalog {
    /// Route prefixes and the plugin that owns them.
    static let pluginFeatures: [(prefix: String, feature: String)] = [
        ("/send/", "messaging"), ("/message/", "messaging"), ("/chat/", "messaging"),
        ("/group/", "groups"), ("/community/", "communities"),
        ("/label/", "labels"), ("/unlabel/", "labels"),
        ("/newsletter/", "newsletters"), ("/business/", "business"),
        ("/call/", "calls"), ("/status/", "status"),
        ("/user/", "users"), ("/contact/", "users"), ("/broadcast/", "users"),
        ("/bot/", "bots"),
    ]

    /// Every route of WaGo's endpoint reference that a plugin serves.
    static let pluginRoutes: [(HTTPRequest.Method, String)] = [
        // messaging
        (.post, "/send/text"), (.post, "/send/image"), (.post, "/send/audio"), (.post, "/send/poll"),
        (.post, "/send/document"), (.post, "/send/template"), (.post, "/send/video"), (.post, "/send/sticker"),
        (.post, "/send/location"), (.post, "/send/contact"), (.post, "/send/buttons"), (.post, "/send/mediabutton"),
        (.post, "/send/mediaurl"), (.post, "/send/list"), (.post, "/send/preview"), (.post, "/send/preview2"),
        (.post, "/send/groupinvite"), (.post, "/send/locationbutton"), (.post, "/send/pixbutton"),
        (.post, "/send/reviewpay"), (.post, "/send/carousel"), (.post, "/send/carouselmedia"),
        (.post, "/message/react"), (.post, "/message/presence"), (.post, "/message/markread"),
        (.post, "/message/status"), (.post, "/message/delete"), (.post, "/message/edit"),
        (.post, "/message/downloadimage"), (.post, "/message/download/image"), (.post, "/message/download/video"),
        (.post, "/message/download/document"), (.post, "/message/download/audio"),
        (.post, "/message/download/sticker"),
        (.post, "/chat/pin"), (.post, "/chat/unpin"), (.post, "/chat/archive"), (.post, "/chat/mute"),
        (.post, "/chat/typing/start"), (.post, "/chat/typing/stop"), (.post, "/chat/delete"), (.post, "/chat/read"),
        (.post, "/chat/unread"), (.post, "/chat/recording/start"), (.post, "/chat/recording/stop"),
        (.post, "/chat/disappearing-timer"),
        // bots
        (.post, "/bot/message"), (.get, "/bot/list"),
        // users
        (.post, "/user/info"), (.post, "/user/check"), (.get, "/user/avatar"), (.post, "/user/avatar"),
        (.get, "/user/contacts"), (.get, "/user/privacy"), (.post, "/user/block"), (.post, "/user/unblock"),
        (.get, "/user/blocklist"), (.post, "/user/profile"), (.post, "/user/name"), (.post, "/user/presence"),
        (.get, "/user/limits"), (.post, "/user/parselid"), (.get, "/user/appstate"),
        (.post, "/contact/add"), (.post, "/contact/remove"), (.post, "/broadcast/listparticipants"),
        // groups and communities
        (.get, "/group/list"), (.post, "/group/info"), (.post, "/group/invitelink"), (.post, "/group/photo"),
        (.post, "/group/name"), (.post, "/group/create"), (.post, "/group/update"), (.get, "/group/myall"),
        (.post, "/group/join"), (.post, "/group/leave"), (.post, "/group/description"), (.post, "/group/lock"),
        (.post, "/group/adminonly"),
        (.post, "/community/create"), (.post, "/community/add"), (.post, "/community/remove"),
        // labels
        (.post, "/label/chat"), (.post, "/label/message"), (.post, "/label/edit"), (.post, "/unlabel/chat"),
        (.post, "/unlabel/message"),
        // newsletters
        (.post, "/newsletter/create"), (.get, "/newsletter/list"), (.post, "/newsletter/info"),
        (.post, "/newsletter/link"), (.post, "/newsletter/subscribe"), (.post, "/newsletter/messages"),
        // business
        (.post, "/business/get/profile"), (.get, "/business/get/categories"), (.post, "/business/update/desc"),
        (.post, "/business/update/address"), (.post, "/business/update/email"), (.post, "/business/catalog/create"),
        (.post, "/business/catalog/edit"), (.post, "/business/catalog/list"), (.post, "/business/catalog/info"),
        (.post, "/business/catalog/delete"), (.post, "/business/catalog/show"), (.post, "/business/catalog/hide"),
        (.post, "/business/order/details"), (.post, "/business/send/catalog"),
        // calls
        (.post, "/call/make"), (.post, "/call/answer"), (.post, "/call/reject"), (.post, "/call/hangup"),
        (.post, "/call/play"), (.post, "/call/play/pause"), (.post, "/call/play/resume"), (.post, "/call/play/stop"),
        (.post, "/call/record"), (.post, "/call/record/stop"), (.get, "/call/status"), (.get, "/call/webrtc/config"),
        (.post, "/call/webrtc/offer"), (.post, "/call/webrtc/close"),
        // status
        (.post, "/status/text"), (.post, "/status/image"), (.post, "/status/video"),
    ]

    /// Core routes of the reference that this build does not serve yet, with the reason.
    static let pendingCoreRoutes: [(HTTPRequest.Method, String, String)] = [
        (.post, "/server/license", "licensing, which this open-source server has none of"),
        (.get, "/server/update", "self-update, which deployments do through their package manager"),
    ]

    static func feature(of path: String) -> String {
        pluginFeatures.first { path.hasPrefix($0.prefix) }?.feature ?? "unknown"
    }

    /// The 501 answer for a catalogued route nothing serves.
    static func unavailable(_ method: HTTPRequest.Method, _ path: String, disabled: Set<String>) -> APIError {
        if let pending = pendingCoreRoutes.first(where: { $0.0 == method && $0.1 == path }) {
            return APIError(.notImplemented, "\(method) \(path) is not available: this build has no \(pending.2)")
        }
        let feature = feature(of: path)
        let why = disabled.contains(feature)
            ? "the \(feature) plugin is installed but not enabled (add it to WAGO_PLUGINS)"
            : "no \(feature) plugin is loaded"
        return APIError(.notImplemented, "feature \"\(feature)\" is not enabled on this server: \(why)")
    }
}
