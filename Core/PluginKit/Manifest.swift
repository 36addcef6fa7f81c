// The plugin's declaration in Swift and in the C form the host reads (STATIC: built once,
// never freed, since the host may read it for the life of the process).

import Synchronization
import WagoPluginABI

/// Everything a plugin declared, read once from its type.
final class PluginDefinition: Sendable {
    let plugin: any WagoPlugin.Type
    let routes: [Route]
    let events: EventHandlers
    nonisolated(unsafe) let manifest: UnsafePointer<wago_plugin_manifest>  // STATIC, immutable

    private init(_ plugin: any WagoPlugin.Type) {
        self.plugin = plugin
        routes = plugin.routes
        events = EventHandlers(plugin.events)
        manifest = makeManifest(plugin, routes: routes, eventTypes: events.declaredTypes)
    }

    /// The definition the entry point built; on_init, which the host calls without context,
    /// finds it here.
    static var registered: PluginDefinition? { registry.withLock { $0 } }

    /// Builds the definition of `plugin` on the first call; later calls return that one.
    static func register(_ plugin: any WagoPlugin.Type) -> PluginDefinition {
        registry.withLock { registered in
            if let registered { return registered }
            let definition = PluginDefinition(plugin)
            registered = definition
            return definition
        }
    }

    private static let registry = Mutex<PluginDefinition?>(nil)
}

/// The event handlers by event type, in declaration order; `"*"` handlers run for every type.
struct EventHandlers: Sendable {
    typealias Handler = @Sendable (Event, Host) async throws -> Void

    /// The types to declare to the host. A `"*"` subscription already receives every event, so
    /// it is then the only one declared: the host would otherwise deliver an event twice.
    let declaredTypes: [String]
    private let handlersByType: [String: [Handler]]
    private let wildcardHandlers: [Handler]

    init(_ subscriptions: [EventSubscription]) {
        wildcardHandlers = subscriptions.filter { $0.eventType == "*" }.map(\.handler)
        var types: [String] = []
        for subscription in subscriptions where subscription.eventType != "*" && !types.contains(subscription.eventType) {
            types.append(subscription.eventType)
        }
        handlersByType = Dictionary(uniqueKeysWithValues: types.map { type in
            (type, subscriptions.filter { $0.eventType == type || $0.eventType == "*" }.map(\.handler))
        })
        declaredTypes = wildcardHandlers.isEmpty ? types : ["*"]
    }

    func handlers(for type: String) -> [Handler] { handlersByType[type] ?? wildcardHandlers }
}

private func makeManifest(_ plugin: any WagoPlugin.Type, routes: [Route], eventTypes: [String]) -> UnsafePointer<wago_plugin_manifest> {
    let routeTable = UnsafeMutablePointer<wago_route>.allocate(capacity: routes.count)
    for (index, route) in routes.enumerated() {
        (routeTable + index).initialize(to: wago_route(
            header: header(for: wago_route.self), method: route.method.rawValue, auth: route.auth.rawValue,
            path: permanentCString(route.path), handler: serveRoute))
    }
    let eventTable = UnsafeMutablePointer<wago_event_sub>.allocate(capacity: eventTypes.count)
    for (index, type) in eventTypes.enumerated() {
        (eventTable + index).initialize(to: wago_event_sub(
            header: header(for: wago_event_sub.self), event_type: permanentCString(type), handler: deliverEvent))
    }
    let manifest = UnsafeMutablePointer<wago_plugin_manifest>.allocate(capacity: 1)
    manifest.initialize(to: wago_plugin_manifest(
        header: header(for: wago_plugin_manifest.self),
        name: permanentCString(plugin.name), version: permanentCString(plugin.version),
        description: plugin.description.isEmpty ? nil : permanentCString(plugin.description),
        runtime_tag: permanentCString(swiftRuntimeTag),
        routes: routeTable, route_count: UInt32(routes.count),
        event_count: UInt32(eventTypes.count), events: eventTable,
        on_init: initializePlugin, on_shutdown: shutDownPlugin))
    return UnsafePointer(manifest)
}
