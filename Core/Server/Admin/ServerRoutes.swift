import Hummingbird

/// `/server/*`: health and the plugin report.
/// They are registered after the plugins load (the report needs them), so `keys` reserves
/// their paths before.
struct ServerRoutes {
    let plugins: PluginHost

    static let health = RouteKey(.get, "/server/ok")
    static let pluginReport = RouteKey(.get, "/server/plugins")
    static let keys: Set<RouteKey> = [health, pluginReport]

    func register(on routes: inout CoreRouteTable) {
        routes.add(.get, Self.health.path, auth: .none) { _, _, _ in
            try Envelope.success(["status": "ok"])
        }
        routes.add(.get, Self.pluginReport.path, auth: .admin) { _, _, _ in
            try Envelope.success(PluginReport(plugins))
        }
    }
}

/// `GET /server/plugins`: what loaded, what was left disabled and what was refused, and why.
public struct PluginReport: Encodable, Sendable {
    /// A plugin's manifest as reported here and by `wago plugin check`.
    public struct Plugin: Encodable, Sendable {
        public var name: String
        public var version: String
        public var description: String
        public var abiVersion: String
        public var path: String
        public var routes: [String]
        public var events: [String]
    }

    struct Refused: Encodable, Sendable {
        var path: String
        var name: String?
        var reason: String
    }

    var loaded: [Plugin]
    var disabled: [Plugin]
    var refused: [Refused]

    init(_ host: PluginHost) {
        loaded = host.loaded.map { Plugin($0.manifest) }
        disabled = host.disabled.map(Plugin.init)
        refused = host.refused.map { Refused(path: $0.path, name: $0.name, reason: $0.reason) }
    }
}

extension PluginReport.Plugin {
    init(_ manifest: ValidatedManifest) {
        name = manifest.name
        version = manifest.version
        description = manifest.description
        abiVersion = manifest.abiVersion.abiVersionString
        path = manifest.path
        routes = manifest.routes.map { "\($0.method) \($0.path)" }
        events = manifest.events.map(\.eventType)
    }
}
