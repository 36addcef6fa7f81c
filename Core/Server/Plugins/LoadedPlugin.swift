import Hummingbird
import WagoPluginABI

/// The plugin's `void *state` from `on_init`. The ABI makes the plugin responsible for using
/// it safely from concurrent handlers, so the host only carries it.
struct PluginStatePointer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer?
}

/// A route a plugin declared, with its strings copied.
struct PluginRoute: Sendable {
    /// Position in the plugin's route table, handed to the handler as `route_index`.
    let index: UInt32
    let method: HTTPRequest.Method
    let path: String
    let auth: RouteAuth
    let handler: wago_route_handler
    /// Names of the path's ":name" segments, in order.
    let parameterNames: [String]
}

struct PluginEventSubscription: Sendable {
    let eventType: String
    let handler: wago_event_handler
}

/// A manifest that passed every check, copied out of plugin memory.
struct ValidatedManifest: Sendable {
    let path: String
    let name: String
    let version: String
    let description: String
    let abiVersion: UInt32
    let runtimeTag: String?
    let routes: [PluginRoute]
    let events: [PluginEventSubscription]
    let onInit: wago_init_fn
    let onShutdown: wago_shutdown_fn?
}

/// A plugin that is running: validated and initialised.
struct LoadedPlugin: Sendable {
    let manifest: ValidatedManifest
    let state: PluginStatePointer
}

/// Why a plugin file was not loaded. Kept for `GET /server/plugins` and `wago plugin check`.
public struct PluginRefusal: Error, Sendable, CustomStringConvertible {
    public let path: String
    /// The manifest's name when the refusal came after reading it.
    public let name: String?
    public let reason: String

    public var description: String { "refused plugin \(path)\(name.map { " (\($0))" } ?? ""): \(reason)" }
}

extension UInt32 {
    /// "1.0" for 0x00010000.
    var abiVersionString: String { "\(self >> 16).\(self & 0xFFFF)" }
}
