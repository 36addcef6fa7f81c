// The C functions the host calls (on_init, on_shutdown, route and event handlers) and how
// they reach the plugin's Swift code.

import WagoPluginABI

/// The plugin once on_init accepted the host: immutable, shared by every thread. The host
/// passes it back to each handler as plugin_state; it lives for the process.
final class LoadedPlugin: Sendable {
    let definition: PluginDefinition
    let host: Host

    init(_ definition: PluginDefinition, _ host: Host) {
        (self.definition, self.host) = (definition, host)
    }

    static func from(_ state: UnsafeMutableRawPointer) -> LoadedPlugin {
        Unmanaged<LoadedPlugin>.fromOpaque(state).takeUnretainedValue()
    }

    /// Copies the BORROWED request, runs the handler of the route at its route_index and
    /// answers exactly once. Inline handlers run right here. Suspending ones run in a Task
    /// that starts right here too and leaves the host's thread at its first real suspension,
    /// which spares a thread hop for handlers whose awaits complete at once.
    func serve(_ request: UnsafePointer<wago_request>, responder: Responder) {
        let raw = readVersioned(UnsafeRawPointer(request), zeroed: wago_request())
        let routeIndex = Int(raw.route_index)
        guard definition.routes.indices.contains(routeIndex) else {  // a host bug must not trap the server
            host.respond(.error(500, "route_index \(routeIndex) is out of range: the plugin declares \(definition.routes.count) routes"), to: responder)
            return
        }
        let route = definition.routes[routeIndex]
        let request = Request(copying: raw, method: route.method)
        switch route.handler {
        case .inline(let handle):
            host.respond(Self.run { try handle(request, host) }, to: responder)
        case .suspending(let handle):
            Task.immediate { [host] in
                let response: Response
                do { response = try await handle(request, host) } catch { response = Response(thrown: error) }
                host.respond(response, to: responder)
            }
        }
    }

    private static func run(_ handle: () throws -> Response) -> Response {
        do { return try handle() } catch { return Response(thrown: error) }
    }

    /// Runs the event's handlers in a Task of their own, not on the host's thread: the host
    /// may deliver events from its receive pipeline, which plugin code must not hold up.
    func deliver(session: wago_str, type: wago_str, json: wago_str) {
        let type = type.string
        let handlers = definition.events.handlers(for: type)
        guard !handlers.isEmpty else { return }
        let event = Event(session: session.string, type: type, json: json.string)
        Task { [host, name = definition.plugin.name] in
            for handle in handlers {
                do { try await handle(event, host) } catch {
                    host.log(.error, "\(name): \(type) handler failed: \(error)")
                }
            }
        }
    }
}

/// A wago_responder HANDLE: the host lets it be answered once, from any thread.
struct Responder: @unchecked Sendable {
    let handle: OpaquePointer
}

extension Host {
    func respond(_ response: Response, to responder: Responder) {
        let api = table.api  // HostTable checked that the respond functions are present
        let status = switch response {
        case .json(let data, let status):
            data.withWagoStr { api.respond_json!(responder.handle, status, $0) }
        case .error(let status, let message):
            message.withWagoStr { api.respond_error!(responder.handle, status, $0) }
        case .raw(let status, let contentType, let body):
            contentType.withWagoStr { contentType in
                body.withWagoBytes { api.respond_raw!(responder.handle, status, contentType, $0) }
            }
        }
        if status != wago_status(WAGO_OK) { log(.error, "the host refused a response (status \(status))") }
    }
}

let initializePlugin: wago_init_fn = { api, state, reasonBuffer, reasonCapacity in
    guard let definition = PluginDefinition.registered else {
        writeReason("on_init was called before wago_plugin_entry", into: reasonBuffer, capacity: reasonCapacity)
        return wago_status(WAGO_ERR_INTERNAL)
    }
    do {
        let host = Host(table: try HostTable(api))
        try definition.plugin.initialize(host)
        state?.pointee = Unmanaged.passRetained(LoadedPlugin(definition, host)).toOpaque()  // kept for the process
        return wago_status(WAGO_OK)
    } catch {
        writeReason(String(describing: error), into: reasonBuffer, capacity: reasonCapacity)
        return (error as? HostError)?.code.rawValue ?? wago_status(WAGO_ERR_INTERNAL)
    }
}

let shutDownPlugin: wago_shutdown_fn = { state in
    guard let state else { return }
    let plugin = LoadedPlugin.from(state)
    plugin.definition.plugin.shutdown(plugin.host)
}

/// Writes a NUL-terminated reason into the host's buffer, cut at a UTF-8 character boundary.
private func writeReason(_ reason: String, into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) {
    guard let buffer, capacity > 0 else { return }
    var utf8 = Array(reason.utf8.prefix(capacity - 1))
    if utf8.count < reason.utf8.count {
        while let last = utf8.last, last & 0xC0 == 0x80 { utf8.removeLast() }  // continuation bytes
        if let last = utf8.last, last >= 0xC0 { utf8.removeLast() }  // the lead byte they belonged to
    }
    utf8.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    buffer[utf8.count] = 0
}

let deliverEvent: wago_event_handler = { state, session, type, json in
    guard let state else { return }
    LoadedPlugin.from(state).deliver(session: session, type: type, json: json)
}

/// The C handler of every route: the host passes the matched route's position in the
/// manifest's route table as request.route_index, so one function serves them all.
let serveRoute: wago_route_handler = { state, request, responder in
    guard let state, let request, let responder else { return }  // the host never passes NULL
    LoadedPlugin.from(state).serve(request, responder: Responder(handle: responder))
}
