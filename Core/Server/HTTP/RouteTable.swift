import Hummingbird

/// A route's identity for conflict checks: the method and the path with every parameter
/// segment reduced to ":", so `/x/:id` and `/x/:name` are the same route.
struct RouteKey: Hashable, Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    let path: String

    init(_ method: HTTPRequest.Method, _ path: String) {
        self.method = method
        self.path = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? ":" : $0 }.joined(separator: "/")
    }

    var description: String { "\(method) \(path)" }
}

typealias RouteHandler = @Sendable (Request, BasicRequestContext, Caller) async throws -> Response

/// The core's own routes, collected before plugins load so that a plugin claiming one of them
/// is refused before its `on_init` runs.
struct CoreRouteTable {
    struct Entry {
        let method: HTTPRequest.Method
        let path: String
        let auth: RouteAuth
        let handler: RouteHandler
    }

    private(set) var entries: [Entry] = []

    var keys: Set<RouteKey> { Set(entries.map { RouteKey($0.method, $0.path) }) }

    mutating func add(_ method: HTTPRequest.Method, _ path: String, auth: RouteAuth, handler: @escaping RouteHandler) {
        entries.append(Entry(method: method, path: path, auth: auth, handler: handler))
    }
}
