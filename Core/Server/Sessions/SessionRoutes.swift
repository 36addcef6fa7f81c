import Foundation
import Hummingbird
import WABinary
import WAClient
import WagoStore

/// `/session/*` routes of the core that exist before device linking: token rows and status.
struct SessionRoutes {
    let sessions: SessionRegistry
    let clients: SessionClients
    let bodyLimit: Int
    /// How long deleting a linked session may wait to log it out first.
    var logoutTimeout: Duration = .seconds(10)

    func register(on routes: inout CoreRouteTable) {
        routes.add(.post, "/session/init", auth: .admin) { request, context, _ in
            try await initSession(JSONBody.read(request, context: context, limit: bodyLimit))
        }
        routes.add(.get, "/session/all", auth: .admin) { _, _, _ in
            try await Envelope.success(summaries(of: sessions.all))
        }
        routes.add(.post, "/session/scanned", auth: .admin) { _, _, _ in
            try await Envelope.success(summaries(of: sessions.all.filter { !$0.jid.isEmpty }))
        }
        // The admin names the session to delete with its `token` header.
        routes.add(.post, "/session/delete", auth: .admin) { request, _, _ in
            guard let token = Authenticator.presentedToken(in: request) else {
                throw APIError.badRequest("missing token header naming the session to delete")
            }
            guard let target = sessions.authenticate(token: token) else {
                throw APIError.notFound("no session has this token")
            }
            // Unlink from WhatsApp first, so the phone does not keep a dead companion.
            if !target.jid.isEmpty {
                do {
                    try await clients.logOut(target, timeout: logoutTimeout)
                } catch {
                    throw APIError.internalError(
                        "could not log the session out of WhatsApp before deleting it: \(error)")
                }
            }
            await clients.stop(target)
            do {
                try sessions.delete(target)
            } catch {
                throw APIError.internalError("could not delete the session: \(error)")
            }
            return try Envelope.success(["details": "session deleted", "name": target.name])
        }
        routes.add(.get, "/session/status", auth: .session) { _, _, caller in
            try await Envelope.success(SessionStatus(caller.session, clients.status(of: caller.session)))
        }
    }

    private func summaries(of records: [SessionRecord]) async -> [SessionSummary] {
        var summaries: [SessionSummary] = []
        for record in records {
            summaries.append(SessionSummary(record, await clients.status(of: record)))
        }
        return summaries
    }

    private func initSession(_ body: JSONBody) throws -> Response {
        // WaGo removes spaces from tokens before storing them.
        let token = try body.string("Token").map { $0.filter { !$0.isWhitespace } }.flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.generateToken()
        let id = UUID().uuidString.lowercased()
        let name = try body.string("Name").flatMap { $0.isEmpty ? nil : $0 } ?? "session-\(id.prefix(8))"
        let os = try body.string("Os").flatMap { $0.isEmpty ? nil : $0 } ?? "WaGo"
        do {
            try sessions.create(SessionRecord(id: id, name: name, token: token, os: os))
        } catch let error as StoreError {
            if case .duplicate = error { throw APIError.conflict(error.description) }
            throw APIError.internalError("could not create the session: \(error)")
        }
        return try Envelope.success([
            "details": "user created successfully", "name": name, "token": token, "osName": os, "id": id,
        ])
    }

    /// 32 random bytes as hex: unguessable, and free of characters a header would mangle.
    static func generateToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// A row of `/session/all` and `/session/scanned`: what an admin needs to manage sessions.
struct SessionSummary: Encodable {
    var id: String
    var name: String
    var token: String
    var osName: String
    var webhook: String
    var jid: String
    var events: String
    var connected: Bool
    var loggedIn: Bool

    init(_ record: SessionRecord, _ status: ClientStatus?) {
        id = record.id
        name = record.name
        token = record.token
        osName = record.os
        webhook = record.webhookURL
        jid = record.jid
        events = record.subscribe.joined(separator: ",")
        connected = status?.connected ?? false
        loggedIn = status?.loggedIn ?? false
    }
}

/// `GET /session/status`, in WaGo's field names.
struct SessionStatus: Encodable {
    var Connected: Bool
    var LoggedIn: Bool
    var Jid: String
    var LID: String
    var Events: String

    init(_ record: SessionRecord, _ status: ClientStatus?) {
        Connected = status?.connected ?? false
        LoggedIn = status?.loggedIn ?? false
        Jid = status?.jid?.description ?? record.jid
        LID = status?.lid?.description ?? ""
        Events = record.subscribe.joined(separator: ",")
    }
}
