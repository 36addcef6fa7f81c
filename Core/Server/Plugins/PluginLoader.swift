#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import WagoPluginABI

/// Opens a plugin file and validates its manifest, without running any of its code but the
/// entry point. Shared by the server and `wago plugin check`, so both refuse the same files.
enum PluginLoader {
    /// Sizes of the v1.0 structs: the least a plugin of any 1.x minor version provides.
    static let manifestSizeV1_0 = 88
    static let routeSizeV1_0 = 40
    static let eventSubscriptionSizeV1_0 = 32

    /// Loads `path` and checks its manifest; `hostRuntimeTag` is compared with a Swift
    /// plugin's tag, because Swift has no stable ABI on Linux.
    static func open(path: String, hostRuntimeTag: String) -> Result<ValidatedManifest, PluginRefusal> {
        func refuse(_ reason: String, _ name: String? = nil) -> Result<ValidatedManifest, PluginRefusal> {
            .failure(PluginRefusal(path: path, name: name, reason: reason))
        }
        // NODELETE: the Swift runtime keeps pointers into a loaded library's metadata, so a
        // plugin must stay mapped for the life of the process even if it is refused.
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            return refuse("cannot load: \(dlerror().map { String(cString: $0) } ?? "unknown dlopen error")")
        }
        guard let symbol = dlsym(library, WAGO_PLUGIN_ENTRY_SYMBOL) else {
            return refuse("missing entry point \(WAGO_PLUGIN_ENTRY_SYMBOL)")
        }
        let entry = unsafeBitCast(symbol, to: wago_plugin_entry_fn.self)
        guard let manifestPointer = entry(WAGO_ABI_VERSION) else {
            return refuse("\(WAGO_PLUGIN_ENTRY_SYMBOL) returned NULL: the plugin refused host ABI \(WAGO_ABI_VERSION.abiVersionString)")
        }
        let header = UnsafeRawPointer(manifestPointer).load(as: wago_header.self)
        if let problem = headerProblem(header, minimumSize: manifestSizeV1_0, what: "manifest") {
            return refuse(problem)
        }
        var manifest = wago_plugin_manifest()
        withUnsafeMutableBytes(of: &manifest) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(
                start: manifestPointer, count: min(Int(header.struct_size), target.count)))
        }
        guard let namePointer = manifest.name else { return refuse("manifest has no name") }
        let name = String(cString: namePointer)
        guard isValidName(name) else {
            return refuse("invalid plugin name \"\(name)\": use 1 to 64 of a-z, 0-9, - and _")
        }
        guard let versionPointer = manifest.version else { return refuse("manifest has no version", name) }
        guard let onInit = manifest.on_init else { return refuse("manifest has no on_init", name) }
        let runtimeTag = manifest.runtime_tag.map { String(cString: $0) }
        if let runtimeTag, runtimeTag.hasPrefix("swift-"), runtimeTag != hostRuntimeTag {
            return refuse(
                "built with \(runtimeTag) but the host runs \(hostRuntimeTag); Swift plugins must use the host's toolchain",
                name)
        }
        let routes: [PluginRoute]
        let events: [PluginEventSubscription]
        switch (readRoutes(manifest), readEvents(manifest)) {
        case (.failure(let reason), _), (_, .failure(let reason)): return refuse(reason.message, name)
        case (.success(let r), .success(let e)): (routes, events) = (r, e)
        }
        var seen = Set<RouteKey>()
        for route in routes where !seen.insert(RouteKey(route.method, route.path)).inserted {
            return refuse("declares \(route.method) \(route.path) twice", name)
        }
        return .success(ValidatedManifest(
            path: path, name: name, version: String(cString: versionPointer),
            description: manifest.description.map { String(cString: $0) } ?? "",
            abiVersion: header.abi_version, runtimeTag: runtimeTag, routes: routes, events: events,
            onInit: onInit, onShutdown: manifest.on_shutdown))
    }

    /// Magic, major and minor version, and size of any versioned struct a plugin hands over.
    static func headerProblem(_ header: wago_header, minimumSize: Int, what: String) -> String? {
        guard header.magic == WAGO_ABI_MAGIC else {
            return "wrong magic 0x\(String(header.magic, radix: 16)) in the \(what): not a WaGo plugin"
        }
        let plugin = header.abi_version
        guard plugin >> 16 == WAGO_ABI_VERSION_MAJOR else {
            return "built for ABI \(plugin.abiVersionString), but the host speaks \(WAGO_ABI_VERSION.abiVersionString): major versions differ"
        }
        guard plugin & 0xFFFF <= WAGO_ABI_VERSION_MINOR else {
            return "built for ABI \(plugin.abiVersionString), newer than the host's \(WAGO_ABI_VERSION.abiVersionString)"
        }
        guard Int(header.struct_size) >= minimumSize else {
            return "truncated \(what): struct_size \(header.struct_size) is smaller than the \(minimumSize) bytes of ABI 1.0"
        }
        return nil
    }

    private struct Problem: Error {
        let message: String
    }

    private static func readRoutes(_ manifest: wago_plugin_manifest) -> Result<[PluginRoute], Problem> {
        readArray(manifest.routes.map(UnsafeRawPointer.init), count: manifest.route_count, minimumSize: routeSizeV1_0, what: "route") {
            (element: UnsafeRawPointer, index: Int) -> Result<PluginRoute, Problem> in
            var route = wago_route()
            copy(element, into: &route)
            guard let method = httpMethod(route.method) else {
                return .failure(Problem(message: "route \(index) has an unknown method \(route.method)"))
            }
            guard let auth = routeAuth(route.auth) else {
                return .failure(Problem(message: "route \(index) has an unknown auth \(route.auth)"))
            }
            guard let pathPointer = route.path, let handler = route.handler else {
                return .failure(Problem(message: "route \(index) has no path or no handler"))
            }
            let path = String(cString: pathPointer)
            guard path.hasPrefix("/"), !path.contains("*"), !path.contains("?") else {
                return .failure(Problem(message: "route \(index) has an invalid path \"\(path)\""))
            }
            let parameters = path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
            return .success(PluginRoute(index: UInt32(index), method: method, path: path, auth: auth, handler: handler, parameterNames: parameters))
        }
    }

    private static func readEvents(_ manifest: wago_plugin_manifest) -> Result<[PluginEventSubscription], Problem> {
        readArray(manifest.events.map(UnsafeRawPointer.init), count: manifest.event_count, minimumSize: eventSubscriptionSizeV1_0, what: "event subscription") {
            (element: UnsafeRawPointer, index: Int) -> Result<PluginEventSubscription, Problem> in
            var subscription = wago_event_sub()
            copy(element, into: &subscription)
            guard let type = subscription.event_type, let handler = subscription.handler else {
                return .failure(Problem(message: "event subscription \(index) has no event type or no handler"))
            }
            return .success(PluginEventSubscription(eventType: String(cString: type), handler: handler))
        }
    }

    /// Walks a plugin array whose element size is the first element's struct_size, so a plugin
    /// built against a later minor version (bigger elements) is read correctly.
    private static func readArray<Element>(
        _ base: UnsafeRawPointer?, count: UInt32, minimumSize: Int, what: String,
        read: (UnsafeRawPointer, Int) -> Result<Element, Problem>
    ) -> Result<[Element], Problem> {
        guard count > 0 else { return .success([]) }
        guard let base else { return .failure(Problem(message: "\(count) \(what)s declared but the table is NULL")) }
        guard count <= 4096 else { return .failure(Problem(message: "too many \(what)s (\(count))")) }
        let stride = Int(base.load(as: wago_header.self).struct_size)
        var elements: [Element] = []
        for index in 0..<Int(count) {
            let element = base + index * stride
            let header = element.load(as: wago_header.self)
            if let problem = headerProblem(header, minimumSize: minimumSize, what: "\(what) \(index)") {
                return .failure(Problem(message: problem))
            }
            guard Int(header.struct_size) == stride else {
                return .failure(Problem(message: "\(what) \(index) has struct_size \(header.struct_size), not \(stride) like the first"))
            }
            switch read(element, index) {
            case .success(let value): elements.append(value)
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success(elements)
    }

    /// Copies min(struct_size, sizeof) bytes into a zeroed struct, the rule for every read.
    private static func copy<T>(_ source: UnsafeRawPointer, into target: inout T) {
        let size = Int(source.load(as: wago_header.self).struct_size)
        withUnsafeMutableBytes(of: &target) { bytes in
            bytes.copyMemory(from: UnsafeRawBufferPointer(start: source, count: min(size, bytes.count)))
        }
    }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 95 }
    }

    static func httpMethod(_ raw: UInt32) -> HTTPRequest.Method? {
        switch raw {
        case UInt32(WAGO_METHOD_GET.rawValue): .get
        case UInt32(WAGO_METHOD_POST.rawValue): .post
        case UInt32(WAGO_METHOD_PUT.rawValue): .put
        case UInt32(WAGO_METHOD_DELETE.rawValue): .delete
        case UInt32(WAGO_METHOD_PATCH.rawValue): .patch
        default: nil
        }
    }

    static func routeAuth(_ raw: UInt32) -> RouteAuth? {
        switch raw {
        case UInt32(WAGO_AUTH_NONE.rawValue): RouteAuth.none
        case UInt32(WAGO_AUTH_SESSION.rawValue): .session
        case UInt32(WAGO_AUTH_ADMIN.rawValue): .admin
        default: nil
        }
    }
}
