// A route a plugin serves: method, path, who may call it, and the Swift code that answers.

import WagoPluginABI

public struct Route: Sendable {
    public enum Method: UInt32, Sendable {
        case get = 1, post, put, delete, patch  // the raw values are wago_method's
    }

    /// Who may call the route; the host checks it before the handler runs.
    public enum Auth: UInt32, Sendable {
        case none = 0, session, admin  // the raw values are wago_auth's
    }

    enum Handler: Sendable {
        case inline(@Sendable (Request, Host) throws -> Response)
        case suspending(@Sendable (Request, Host) async throws -> Response)
    }

    public let method: Method
    /// The path, e.g. `"/group/info"`; a segment `":name"` is a parameter (`Request.parameter`).
    public let path: String
    public let auth: Auth
    let handler: Handler

    /// A route whose handler suspends (awaits host services). It runs in a new `Task`.
    /// A thrown `HTTPError` becomes that error response; any other error a 500.
    public init(
        _ method: Method, _ path: String, auth: Auth,
        handler: @escaping @Sendable (Request, Host) async throws -> Response
    ) {
        (self.method, self.path, self.auth, self.handler) = (method, path, auth, .suspending(handler))
    }

    /// A route whose handler never suspends. It runs inline on the host's thread, which saves
    /// the hop to a `Task`, so it must be quick and must not block (kv storage and log are fine).
    /// Swift picks this initializer for a closure that contains no `await`.
    public init(
        _ method: Method, _ path: String, auth: Auth,
        handler: @escaping @Sendable (Request, Host) throws -> Response
    ) {
        (self.method, self.path, self.auth, self.handler) = (method, path, auth, .inline(handler))
    }
}
