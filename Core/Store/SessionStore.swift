import Foundation
import GRDB

/// One gateway session: a token row that may become a linked WhatsApp device.
public struct SessionRecord: Sendable, Equatable {
    /// Stable, non-secret id; what plugins and logs see instead of the token.
    public var id: String
    public var name: String
    public var token: String
    public var os: String
    public var webhookURL: String
    public var webhookFormat: WebhookFormat
    /// The key of the deliveries' `X-Hmac-Signature`, made when the webhook is first set;
    /// empty before. Sealed at rest.
    public var webhookSecret: String
    /// Whether a Message event with media is posted as multipart form data with the file
    /// (WaGo's media file forwarding); form deliveries only.
    public var webhookForwardsMedia: Bool
    /// Event names from `/session/connect`'s `Subscribe`.
    public var subscribe: [String]
    /// The linked account's JID, empty until linked.
    public var jid: String
    public var createdAt: Date

    public init(
        id: String, name: String, token: String, os: String, webhookURL: String = "",
        webhookFormat: WebhookFormat = .form, webhookSecret: String = "", webhookForwardsMedia: Bool = false,
        subscribe: [String] = [], jid: String = "", createdAt: Date = Date()
    ) {
        self.id = id
        self.name = name
        self.token = token
        self.os = os
        self.webhookURL = webhookURL
        self.webhookFormat = webhookFormat
        self.webhookSecret = webhookSecret
        self.webhookForwardsMedia = webhookForwardsMedia
        self.subscribe = subscribe
        self.jid = jid
        self.createdAt = createdAt
    }
}

/// Session rows, with tokens sealed at rest and found through their keyed index.
public struct SessionStore: Sendable {
    private let database: WagoDatabase
    private static let tokenContext = "session.token"
    private static let webhookSecretContext = "session.webhookSecret"

    public init(database: WagoDatabase) {
        self.database = database
    }

    /// Inserts a new session. Throws `StoreError.duplicate` naming `Name` or `Token`.
    public func insert(_ record: SessionRecord) throws {
        let secrets = database.secrets
        try database.pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM session WHERE name = ?", arguments: [record.name]) != nil {
                throw StoreError.duplicate(field: "Name")
            }
            let index = secrets.index(of: record.token)
            if try Row.fetchOne(db, sql: "SELECT 1 FROM session WHERE tokenIndex = ?", arguments: [index]) != nil {
                throw StoreError.duplicate(field: "Token")
            }
            try db.execute(
                sql: """
                    INSERT INTO session (id, name, tokenIndex, sealedToken, os, webhookURL, webhookFormat,
                        sealedWebhookSecret, webhookForwardsMedia, subscribe, jid, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.name, index,
                    try secrets.seal(Data(record.token.utf8), context: Self.tokenContext),
                    record.os, record.webhookURL, record.webhookFormat.rawValue,
                    try sealWebhookSecret(record.webhookSecret), record.webhookForwardsMedia,
                    Self.encode(record.subscribe), record.jid, record.createdAt,
                ])
        }
    }

    /// Every session, oldest first. Read once, by the registry's synchronous init.
    public func all() throws -> [SessionRecord] {
        try database.synchronousRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM session ORDER BY createdAt, id").map(decode)
        }
    }

    /// Deletes a session and everything stored for it: plugin values, device keys, Signal state.
    public func delete(id: String) throws {
        try database.pool.write { [signalCache = database.signalCache] db in
            try db.execute(sql: "DELETE FROM pluginValue WHERE session = ?", arguments: [id])
            try DeviceStore.wipe(session: id, in: db, signalCache: signalCache)
            try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id])
        }
    }

    /// The session's webhook: where, in which format, and the signing secret.
    public func setWebhook(url: String, format: WebhookFormat, secret: String, id: String) throws {
        let sealedSecret = try sealWebhookSecret(secret)
        try database.pool.write { db in
            try db.execute(
                sql: "UPDATE session SET webhookURL = ?, webhookFormat = ?, sealedWebhookSecret = ? WHERE id = ?",
                arguments: [url, format.rawValue, sealedSecret, id])
            if db.changesCount == 0 { throw StoreError.notFound("session") }
        }
    }

    /// Whether the session's webhook forwards media files (multipart form data).
    public func setWebhookForwardsMedia(_ forwards: Bool, id: String) throws {
        try database.pool.write { db in
            try db.execute(sql: "UPDATE session SET webhookForwardsMedia = ? WHERE id = ?", arguments: [forwards, id])
            if db.changesCount == 0 { throw StoreError.notFound("session") }
        }
    }

    /// The linked account's JID, or "" once logged out.
    public func setJID(_ jid: String, id: String) throws {
        try update(id: id, sql: "UPDATE session SET jid = ? WHERE id = ?", jid)
    }

    public func setSubscribe(_ events: [String], id: String) throws {
        try update(id: id, sql: "UPDATE session SET subscribe = ? WHERE id = ?", Self.encode(events))
    }

    private func update(id: String, sql: String, _ value: String) throws {
        try database.pool.write { db in
            try db.execute(sql: sql, arguments: [value, id])
            if db.changesCount == 0 { throw StoreError.notFound("session") }
        }
    }

    /// Nil (SQL NULL) for no secret.
    private func sealWebhookSecret(_ secret: String) throws -> Data? {
        secret.isEmpty ? nil : try database.secrets.seal(Data(secret.utf8), context: Self.webhookSecretContext)
    }

    private func decode(_ row: Row) throws -> SessionRecord {
        let token = try database.secrets.open(row["sealedToken"], context: Self.tokenContext)
        let format: String = row["webhookFormat"]
        guard let webhookFormat = WebhookFormat(rawValue: format) else {
            throw StoreError.corrupt("session with unknown webhookFormat \"\(format)\"")
        }
        let webhookSecret = try (row["sealedWebhookSecret"] as Data?).map {
            String(decoding: try database.secrets.open($0, context: Self.webhookSecretContext), as: UTF8.self)
        }
        return SessionRecord(
            id: row["id"], name: row["name"], token: String(decoding: token, as: UTF8.self), os: row["os"],
            webhookURL: row["webhookURL"], webhookFormat: webhookFormat, webhookSecret: webhookSecret ?? "",
            webhookForwardsMedia: row["webhookForwardsMedia"], subscribe: Self.decode(row["subscribe"]), jid: row["jid"], createdAt: row["createdAt"])
    }

    // Event names are plain words, so a comma list is unambiguous.
    private static func encode(_ events: [String]) -> String { events.joined(separator: ",") }
    private static func decode(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }
}
