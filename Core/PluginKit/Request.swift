// A request as the handler sees it: a Swift copy of the host's BORROWED wago_request, so it
// may outlive the C call (async handlers answer later).

import WagoPluginABI

public struct Request: Sendable {
    public let method: Route.Method
    /// The request path, e.g. `"/group/info"`.
    public let path: String
    /// The caller's session id for `.session` routes (opaque and stable, never the token);
    /// empty for other routes. Pass it to the host services and kv storage.
    public let session: String
    public let body: [UInt8]
    /// Values of the route path's `":name"` segments.
    public let parameters: [(name: String, value: String)]
    /// Decoded query items, in request order.
    public let query: [(name: String, value: String)]
    /// Request headers with lower-case names; the host removes the tokens.
    public let headers: [(name: String, value: String)]

    public init(
        method: Route.Method, path: String, session: String = "", body: [UInt8] = [],
        parameters: [(name: String, value: String)] = [], query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = []
    ) {
        (self.method, self.path, self.session, self.body) = (method, path, session, body)
        (self.parameters, self.query, self.headers) = (parameters, query, headers)
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The value of the path parameter `":name"`.
    public func parameter(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    /// The first query item called `name`.
    public func queryItem(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The first header called `name`, compared without regard to ASCII case.
    public func header(_ name: String) -> String? {
        let lowerName = name.lowercased()
        return headers.first { $0.name == lowerName }?.value
    }
}

extension Request {
    /// Copies the host's request (read with `readVersioned`), whose strings and pairs are
    /// BORROWED for the handler call only. The method is the route's: the host dispatched the
    /// request to that route.
    init(copying raw: wago_request, method: Route.Method) {
        self.init(
            method: method, path: raw.path.string, session: raw.session.string,
            body: raw.body.array, parameters: pairs(raw.path_params, raw.path_param_count),
            query: pairs(raw.query, raw.query_count), headers: pairs(raw.headers, raw.header_count))
    }
}

private func pairs(_ start: UnsafePointer<wago_pair>?, _ count: Int) -> [(name: String, value: String)] {
    guard let start, count > 0 else { return [] }
    return UnsafeBufferPointer(start: start, count: count).map { ($0.name.string, $0.value.string) }
}
