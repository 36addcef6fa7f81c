import Foundation
import Hummingbird
import WABinary
import WAClient
import WagoQRCode
import WagoStore

/// `/session/connect|qr|pair|disconnect|logout`: a token's WhatsApp client, from linking to logout.
struct SessionLinkRoutes {
    let sessions: SessionRegistry
    let clients: SessionClients
    let bodyLimit: Int
    /// How long `Immediate: false` and `/session/pair` wait for the connection.
    var readyTimeout: Duration = .seconds(10)

    /// The event names `Subscribe` accepts (wuzapi's, which WaGo keeps), plus "All".
    static let eventTypes: Set<String> = [
        "Message", "ReadReceipt", "Presence", "HistorySync", "ChatPresence", "Call", "Newsletter", "LoggedOut",
        "Connected", "Disconnected", "QR", "QRTimeout", "PairSuccess", "PairError", "All",
    ]

    func register(on routes: inout CoreRouteTable) {
        routes.add(.post, "/session/connect", auth: .session) { request, context, caller in
            try await connect(caller.session, JSONBody.read(request, context: context, limit: bodyLimit))
        }
        routes.add(.get, "/session/qr", auth: .session) { _, _, caller in
            try await qr(caller.session)
        }
        routes.add(.post, "/session/pair", auth: .session) { request, context, caller in
            try await pair(caller.session, JSONBody.read(request, context: context, limit: bodyLimit))
        }
        routes.add(.post, "/session/disconnect", auth: .session) { _, _, caller in
            guard await clients.stop(try caller.session) else { throw APIError.conflict("not connected") }
            return try Envelope.success(["Details": "Disconnected"])
        }
        routes.add(.post, "/session/logout", auth: .session) { _, _, caller in
            try await Self.whatsApp { try await clients.logOut(caller.session, timeout: readyTimeout) }
            return try Envelope.success(["Details": "Logged out"])
        }
    }

    private func connect(_ session: SessionRecord, _ body: JSONBody) async throws -> Response {
        let subscribe = try body.stringList("Subscribe")
        if let unknown = subscribe?.first(where: { !Self.eventTypes.contains($0) }) {
            throw APIError.badRequest("Subscribe has an unknown event type \"\(unknown)\"")
        }
        let immediate = try body.bool("Immediate") ?? false
        var session = session
        if let subscribe {
            session = try sessions.update(session) { store, record in
                try store.setSubscribe(subscribe, id: record.id)
                record.subscribe = subscribe
            }
        }
        let (client, wasRunning) = try await Self.whatsApp { try await clients.start(session) }
        if wasRunning, await client.status.connected {
            throw APIError.conflict("already connected")
        }
        if !immediate {
            // Ready means logged in, or showing a QR to scan.
            _ = await client.waitUntil(timeout: readyTimeout) { $0.loggedIn || $0.qrCode != nil }
        }
        let status = await client.status
        return try Envelope.success([
            "webhook": session.webhookURL, "jid": status.jid?.description ?? session.jid,
            "events": session.subscribe.joined(separator: ","), "details": "Connected!",
        ])
    }

    private func qr(_ session: SessionRecord) async throws -> Response {
        guard let status = await clients.status(of: session), status.connected else {
            throw APIError.conflict("not connected: call /session/connect first")
        }
        guard !status.loggedIn else { throw APIError.conflict("already logged in") }
        guard let text = status.qrCode else { throw APIError.notFound("no QR code yet: the server has not sent one") }
        let image: String
        do {
            image = try QRCodeImage.dataURL(for: text)
        } catch {
            throw APIError.internalError("could not draw the QR code: \(error)")
        }
        return try Envelope.success(["QRCode": image, "QRText": text])
    }

    private func pair(_ session: SessionRecord, _ body: JSONBody) async throws -> Response {
        let phone = try Self.phoneNumber(body.requiredString("Phone"))
        let (client, _) = try await Self.whatsApp { try await clients.start(session) }
        guard await client.waitUntil(timeout: readyTimeout, { $0.connected }) else {
            throw APIError.internalError("could not connect to WhatsApp in time")
        }
        let code = try await Self.whatsApp { try await client.pairPhone(phone) }
        return try Envelope.success(["LinkingCode": code])
    }

    /// The digits of a phone number in international form ("+55 (11) 99999-0001" → "5511999990001").
    static func phoneNumber(_ text: String) throws -> String {
        let digits = text.filter { !" +-().".contains($0) }
        guard (7...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw APIError.badRequest("Phone must be an international phone number (7 to 15 digits)")
        }
        return digits
    }

    /// Runs a client operation; its failures become 409 (wrong state) or 500 naming WhatsApp's cause.
    static func whatsApp<Result>(_ operation: () async throws -> Result) async throws -> Result {
        do {
            return try await operation()
        } catch let error as ClientError {
            switch error {
            case .notConnected, .notLoggedIn, .alreadyLinked, .loggedOut: throw APIError.conflict(error.description)
            case .server, .disconnectedBeforeAck: throw APIError.internalError(error.description)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.internalError("WhatsApp failed: \(error)")
        }
    }
}
