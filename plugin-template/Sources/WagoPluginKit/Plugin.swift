// What a Swift plugin declares, and the entry point that hands it to the host.

import WagoPluginABI

/// A WaGo plugin written in Swift. Declare the type, then export the entry point from the
/// plugin's library:
///
///     @c(wago_plugin_entry) public func wagoPluginEntry(_ hostABIVersion: UInt32) -> UnsafePointer<wago_plugin_manifest>? {
///         HelloPlugin.entry(hostABIVersion)
///     }
///
/// The entry must be `public` (release builds export only public symbols) and `@c`.
/// One plugin type per library.
public protocol WagoPlugin: SendableMetatype {
    /// Unique among loaded plugins: `[a-z0-9_-]{1,64}`.
    static var name: String { get }
    /// The plugin's own version, e.g. `"1.2.0"`.
    static var version: String { get }
    /// One line for `wago plugin check` and the logs; empty for none.
    static var description: String { get }
    /// Read once, when the host first calls the entry point.
    static var routes: [Route] { get }
    /// Read once, when the host first calls the entry point.
    static var events: [EventSubscription] { get }
    /// Runs once after the host accepted the plugin, before any handler. A thrown error
    /// refuses the plugin; the host logs its description.
    static func initialize(_ host: Host) throws
    /// Runs once when the server stops. The library is not unloaded afterwards.
    static func shutdown(_ host: Host)
}

extension WagoPlugin {
    public static var description: String { "" }
    public static var events: [EventSubscription] { [] }
    public static func initialize(_ host: Host) throws {}
    public static func shutdown(_ host: Host) {}

    /// The manifest for `wago_plugin_entry`, built on the first call and kept for the process.
    /// It is returned whatever `hostABIVersion` is: the host checks compatibility and its
    /// refusal names the mismatch.
    public static func entry(_ hostABIVersion: UInt32) -> UnsafePointer<wago_plugin_manifest>? {
        PluginDefinition.register(Self.self).manifest
    }
}
