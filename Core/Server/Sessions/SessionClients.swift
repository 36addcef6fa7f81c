import Foundation
import Logging
import WABinary
import WAClient
import WAEvents
import WAMedia
import WAMessaging
import WagoStore

/// The WhatsApp client of each session that was connected: at most one per session. Turns the
/// clients' events into WaGo's events on the bus, and keeps the session rows' JIDs current.
actor SessionClients {
    private let database: WagoDatabase
    private let sessions: SessionRegistry
    private let events: EventBus
    private let configuration: ClientConfiguration
    private let logger: Logger
    private var clients: [String: WhatsAppClient] = [:]

    init(
        database: WagoDatabase, sessions: SessionRegistry, events: EventBus, configuration: ClientConfiguration,
        logger: Logger
    ) {
        self.database = database
        self.sessions = sessions
        self.events = events
        self.configuration = configuration
        self.logger = logger
    }

    /// The session's client, running or stopped, if one was started since the gateway started.
    func client(of session: SessionRecord) -> WhatsAppClient? {
        clients[session.id]
    }

    /// The session's running client, started (from its stored device, or a new one) if needed.
    /// - Returns: the client, and whether it was already running.
    func start(_ session: SessionRecord) async throws -> (client: WhatsAppClient, wasRunning: Bool) {
        if let client = clients[session.id], await client.isRunning {
            return (client, true)
        }
        var configuration = configuration
        configuration.osName = session.os
        let client = try await WhatsAppClient(
            session: session.id, database: database, configuration: configuration, logger: logger
        ) { [weak self] event in try await self?.forward(event, of: session) }
        clients[session.id] = client
        try await client.start()
        return (client, false)
    }

    /// Stops the session's client, if any; the device stays linked.
    /// - Returns: whether a client was running.
    @discardableResult
    func stop(_ session: SessionRecord) async -> Bool {
        guard let client = clients.removeValue(forKey: session.id) else { return false }
        let wasRunning = await client.isRunning
        await client.stop()
        return wasRunning
    }

    /// Unlinks the session's device on WhatsApp (connecting first when needed), wipes its keys
    /// and stops its client.
    /// - Throws: `ClientError.notLoggedIn` when the session is not linked or cannot log in in time.
    func logOut(_ session: SessionRecord, timeout: Duration) async throws {
        guard let current = sessions.session(id: session.id), !current.jid.isEmpty else {
            throw ClientError.notLoggedIn
        }
        let (client, _) = try await start(current)
        guard await client.waitUntil(timeout: timeout, { $0.loggedIn }) else { throw ClientError.notLoggedIn }
        try await client.logout()
        await stop(current)
    }

    /// Downloads and decrypts a media file through the session's client.
    /// - Throws: `ClientError.notConnected` when the session has no client, else the download's error.
    func downloadMedia(
        of session: SessionRecord, directPath: String, info: MediaFileInfo, type: MediaType
    ) async throws -> [UInt8] {
        guard let client = clients[session.id] else { throw ClientError.notConnected }
        return try await client.download(directPath: directPath, info: info, type: type)
    }

    func status(of session: SessionRecord) async -> ClientStatus? {
        await clients[session.id]?.status
    }

    /// Reconnects every session that was linked when the gateway last ran.
    func resumeLinkedSessions() async {
        for session in sessions.all where !session.jid.isEmpty {
            do {
                _ = try await start(session)
            } catch {
                logger.error("could not resume a session", metadata: ["session": "\(session.id)", "error": "\(error)"])
            }
        }
    }

    func stopAll() async {
        for (_, client) in clients { await client.stop() }
        clients = [:]
    }

    // MARK: Events

    /// Emits one client event on the bus. The bus stores the webhook outbox row before
    /// `emit` returns, so when this returns the client may acknowledge the event's message.
    /// A message's event id derives from the message, so the copy the server delivers again
    /// after a crash is the same event (the client decrypts it again: its Signal state is
    /// committed only after this returned).
    /// - Throws: when the outbox could not store the event: the client then neither commits
    ///   nor acks the message, and the server delivers it again.
    private func forward(_ event: ClientEvent, of session: SessionRecord) async throws {
        switch event {
        case .pairSuccess(let jid, _, _, _):
            record(jid: jid.description, of: session)
        case .loggedOut:
            record(jid: "", of: session)
        default:
            break
        }
        let shaped: WebhookPayload?
        do {
            shaped = try SessionEvent.payload(event)
        } catch {
            logger.error("could not shape an event", metadata: ["session": "\(session.id)", "error": "\(error)"])
            return
        }
        guard let payload = shaped else { return }
        try await events.emit(
            session: session.id, type: payload.type, json: String(decoding: payload.eventJSON, as: UTF8.self),
            payload: String(decoding: payload.json, as: UTF8.self),
            eventID: Self.eventID(of: event, type: payload.type, session: session))
    }

    /// The stable id of a message's event; nil (a random one) for every other event.
    private static func eventID(of event: ClientEvent, type: String, session: SessionRecord) -> String? {
        guard case .message(let received) = event else { return nil }
        return WebhookEventID.message(
            session: session.id, chat: received.chat.description, sender: received.sender.description,
            messageID: received.id, type: type)
    }

    private func record(jid: String, of session: SessionRecord) {
        do {
            _ = try sessions.update(session) { store, record in
                try store.setJID(jid, id: record.id)
                record.jid = jid
            }
        } catch {
            logger.error("could not store the session's JID", metadata: ["session": "\(session.id)", "error": "\(error)"])
        }
    }
}
