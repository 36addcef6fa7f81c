import Foundation
import Logging
import WagoPluginABI
import WagoPluginKit

/// Loads the plugins of a folder, refuses the ones the ABI rules reject (one log line each),
/// initialises the rest and keeps serving whatever happens to any single plugin.
public struct PluginHost: Sendable {
    /// Initialised plugins, in load order.
    let loaded: [LoadedPlugin]
    /// Plugins found but not enabled by `WAGO_PLUGINS`.
    let disabled: [ValidatedManifest]
    public let refused: [PluginRefusal]

    /// Plugin files of `directory`: shared libraries, in name order so loading is repeatable.
    static func pluginFiles(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".so") || $0.hasSuffix(".dylib") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }

    /// Loads each file in order. `reserved` holds the core's routes; each plugin's routes
    /// join it, so a later plugin cannot take an earlier one's route.
    static func load(
        files: [String], enabled: Set<String>?, reserved: Set<RouteKey>, services: PluginServices
    ) -> PluginHost {
        var owners = Dictionary(uniqueKeysWithValues: reserved.map { ($0, "the core") })
        var loaded: [LoadedPlugin] = []
        var disabled: [ValidatedManifest] = []
        var refused: [PluginRefusal] = []
        for file in files {
            let result = PluginLoader.open(path: file, hostRuntimeTag: swiftRuntimeTag).flatMap {
                manifest -> Result<ValidatedManifest, PluginRefusal> in
                if loaded.contains(where: { $0.manifest.name == manifest.name }) {
                    return .failure(PluginRefusal(path: file, name: manifest.name, reason: "a plugin named \(manifest.name) is already loaded"))
                }
                return .success(manifest)
            }
            let manifest: ValidatedManifest
            switch result {
            case .failure(let refusal):
                refused.append(refusal)
                services.logger.error("\(refusal)")
                continue
            case .success(let m): manifest = m
            }
            if let enabled, !enabled.contains(manifest.name) {
                disabled.append(manifest)
                services.logger.info("plugin \(manifest.name) found but not enabled by WAGO_PLUGINS")
                continue
            }
            switch initialize(manifest, owners: owners, services: services) {
            case .failure(let refusal):
                refused.append(refusal)
                services.logger.error("\(refusal)")
            case .success(let plugin):
                for route in manifest.routes { owners[RouteKey(route.method, route.path)] = manifest.name }
                loaded.append(plugin)
                services.logger.info(
                    "loaded plugin \(manifest.name) \(manifest.version) (ABI \(manifest.abiVersion.abiVersionString), \(manifest.routes.count) routes)")
            }
        }
        for plugin in loaded { subscribe(plugin, to: services.events) }
        return PluginHost(loaded: loaded, disabled: disabled, refused: refused)
    }

    /// Checks the plugin's routes against their owners, then runs `on_init`: conflicts are
    /// found before any plugin code beyond the entry point runs.
    static func initialize(
        _ manifest: ValidatedManifest, owners: [RouteKey: String], services: PluginServices
    ) -> Result<LoadedPlugin, PluginRefusal> {
        for route in manifest.routes {
            if let owner = owners[RouteKey(route.method, route.path)] {
                return .failure(PluginRefusal(
                    path: manifest.path, name: manifest.name,
                    reason: "route \(route.method) \(route.path) is already served by \(owner)"))
            }
        }
        let table = HostAPI.makeTable(for: PluginContext(plugin: manifest.name, services: services))
        var state: UnsafeMutableRawPointer?
        var error = [CChar](repeating: 0, count: 512)
        let status = error.withUnsafeMutableBufferPointer { buffer in
            manifest.onInit(table, &state, buffer.baseAddress, buffer.count)
        }
        guard status == WAGO_OK else {
            // The reason is the plugin's text: read at most the buffer, even unterminated.
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(PluginRefusal(
                path: manifest.path, name: manifest.name,
                reason: "on_init failed with status \(status)\(reason.isEmpty ? "" : ": \(reason)")"))
        }
        return .success(LoadedPlugin(manifest: manifest, state: PluginStatePointer(raw: state)))
    }

    private static func subscribe(_ plugin: LoadedPlugin, to events: EventBus) {
        for subscription in plugin.manifest.events {
            let handler = subscription.handler
            let state = plugin.state
            events.subscribe(subscription.eventType) { session, type, json in
                session.withBorrowedStr { session in
                    type.withBorrowedStr { type in
                        json.withBorrowedStr { json in handler(state.raw, session, type, json) }
                    }
                }
            }
        }
    }

    /// Calls every plugin's `on_shutdown`, newest first. Plugins stay mapped (no dlclose).
    func shutdown() {
        for plugin in loaded.reversed() { plugin.manifest.onShutdown?(plugin.state.raw) }
    }
}

extension String {
    /// Hands the string's UTF-8 to a plugin as a BORROWED wago_str.
    func withBorrowedStr<R>(_ body: (wago_str) -> R) -> R {
        var copy = self
        return copy.withUTF8 { utf8 in
            body(wago_str(ptr: UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), len: utf8.count))
        }
    }
}
