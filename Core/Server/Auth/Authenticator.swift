import HTTPTypes
import Hummingbird
import WagoStore

/// Who a route lets in; mirrors `wago_auth` in the plugin ABI.
public enum RouteAuth: Sendable {
    case none, session, admin
}

/// The authenticated caller of a request.
enum Caller: Sendable {
    case anonymous
    case admin
    case session(SessionRecord)

    /// The caller's session, for handlers of `.session` routes.
    var session: SessionRecord {
        get throws {
            guard case .session(let record) = self else { throw APIError.unauthorized("missing token") }
            return record
        }
    }
}

/// Checks the `admintoken` and `token` credentials. Tokens are compared in constant time and
/// never appear in logs or error messages.
struct Authenticator: Sendable {
    let adminToken: String
    let sessions: SessionRegistry

    func authenticate(_ request: Request, as auth: RouteAuth) throws -> Caller {
        switch auth {
        case .none:
            return .anonymous
        case .admin:
            try requireAdmin(request)
            return .admin
        case .session:
            return .session(try session(for: request))
        }
    }

    func requireAdmin(_ request: Request) throws {
        guard let presented = request.headers[Self.adminHeader], !presented.isEmpty else {
            throw APIError.unauthorized("missing admintoken header")
        }
        guard constantTimeEquals(presented, adminToken) else {
            throw APIError.unauthorized("invalid admin token")
        }
    }

    /// The session named by the `token` header, or the `token` query item as WaGo accepts.
    func session(for request: Request) throws -> SessionRecord {
        guard let presented = Self.presentedToken(in: request) else {
            throw APIError.unauthorized("missing token")
        }
        guard let record = sessions.authenticate(token: presented) else {
            throw APIError.unauthorized("invalid token")
        }
        return record
    }

    /// The `token` header, else the `token` query item; nil when neither is given.
    static func presentedToken(in request: Request) -> String? {
        let presented = request.headers[tokenHeader] ?? request.uri.queryParameters.get("token")
        return presented?.isEmpty == false ? presented : nil
    }

    static let adminHeader = HTTPField.Name("admintoken")!
    static let tokenHeader = HTTPField.Name("token")!
}
