import Foundation
import GRDB

/// The durable queue of webhook deliveries: one row per event and session, written when the
/// event happens and deleted once the receiver accepted it. Rows of one session are sent in
/// insertion order (`seq`), so only the oldest pending row of each session is ever due.
/// Payloads carry message texts, so they are sealed at rest under a context naming the row:
/// a sealed payload copied onto another row does not open.
public struct WebhookOutbox: Sendable {
    private let database: WagoDatabase

    public init(database: WagoDatabase) {
        self.database = database
    }

    /// Queues `payload` (the `jsonData` text) for the session's webhook, due at once; one
    /// INSERT, committed on its own (a statement is a transaction by itself: no BEGIN and
    /// COMMIT to run besides it). An event queued again under the same `id` while its row is still here is not
    /// queued twice (a message the server delivered again after a crash: `WebhookEventID.message`).
    /// - Parameter id: the event id receivers see (`X-Wago-Event-Id`); nil makes a random one.
    /// - Returns: the delivery's id.
    @discardableResult
    public func enqueue(
        session: String, type: String, payload: String, id: String? = nil, at now: Date = Date()
    ) async throws -> String {
        let (id, insert) = try insertion(session: session, type: type, payload: payload, id: id, at: now)
        try await database.pool.writeWithoutTransaction(insert)
        return id
    }

    /// `enqueue` for a caller that cannot suspend (the plugin ABI's synchronous `emit_event`):
    /// the row is committed when this returns. It writes through the writer connection, whose
    /// serial queue never waits on Swift concurrency, so it is safe on a cooperative thread.
    @discardableResult
    public func enqueueSynchronously(
        session: String, type: String, payload: String, id: String? = nil, at now: Date = Date()
    ) throws -> String {
        let (id, insert) = try insertion(session: session, type: type, payload: payload, id: id, at: now)
        try database.pool.writeWithoutTransaction(insert)
        return id
    }

    /// The delivery's id and the INSERT of its row, the payload sealed before the write lock.
    private func insertion(
        session: String, type: String, payload: String, id: String?, at now: Date
    ) throws -> (id: String, insert: @Sendable (Database) throws -> Void) {
        let id = id ?? WebhookEventID.random()
        let sealed = try Self.seal(payload, id: id, with: database.secrets)
        return (id, { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO webhookOutbox
                        (id, session, type, sealedPayload, createdAt, attempts, nextAttemptAt, state, lastError)
                    VALUES (?, ?, ?, ?, ?, 0, ?, ?, '')
                    ON CONFLICT (id) DO NOTHING
                    """
            ).execute(arguments: [id, session, type, sealed, now, now, WebhookDelivery.State.pending.rawValue])
        })
    }

    /// The oldest pending delivery of each session, oldest first, due or not. (Compiled once
    /// per connection: the dispatcher asks after every delivery. One statement, which reads
    /// one state without a transaction around it.)
    public func heads() async throws -> [WebhookDelivery] {
        try await database.pool.unsafeRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.columns) FROM webhookOutbox WHERE seq IN
                            (SELECT MIN(seq) FROM webhookOutbox WHERE state = ? GROUP BY session)
                        ORDER BY seq
                        """),
                arguments: [WebhookDelivery.State.pending.rawValue]
            ).map(Self.decode)
        }
    }

    /// The oldest pending deliveries of `session` with their `jsonData` texts, in order, at
    /// most `limit`: what a session's worker posts one after the other.
    /// - Throws: `StoreError.crypto` when a sealed payload does not open with this key.
    public func pending(session: String, limit: Int) async throws -> [(delivery: WebhookDelivery, payload: String)] {
        // Decoded inside the read: a non-Sendable result (`[Row]`) would pick GRDB's blocking
        // `read`, which can deadlock the cooperative pool (see `WagoDatabase`). One statement:
        // no transaction needed.
        let rows: [(delivery: WebhookDelivery, sealed: Data)] = try await database.pool.unsafeRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.columns), sealedPayload FROM webhookOutbox
                        WHERE state = ? AND session = ? ORDER BY seq LIMIT ?
                        """),
                arguments: [WebhookDelivery.State.pending.rawValue, session, limit]
            ).map { row in (try Self.decode(row), row[Self.columnCount]) }  // sealedPayload comes after them
        }
        return try rows.map { row in
            let payload = try database.secrets.open(row.sealed, context: Self.context(id: row.delivery.id))
            return (row.delivery, String(decoding: payload, as: UTF8.self))
        }
    }

    /// The receiver accepted these deliveries, or their session is gone: the rows go, in one
    /// transaction.
    public func remove(ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await database.pool.writeWithoutTransaction { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM webhookOutbox WHERE id = ?")
            try WagoDatabase.transaction(in: db) {
                for id in ids { try statement.execute(arguments: [id]) }
            }
        }
    }

    /// An attempt failed and will be made again at `nextAttemptAt`.
    public func markFailed(id: String, attempts: Int, nextAttemptAt: Date, error: String) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE webhookOutbox SET attempts = ?, nextAttemptAt = ?, lastError = ? WHERE id = ?",
                arguments: [attempts, nextAttemptAt, error, id])
        }
    }

    /// The delivery gave up: it stays, dead, until an admin requeues it.
    public func markDead(id: String, attempts: Int, error: String) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE webhookOutbox SET state = ?, attempts = ?, lastError = ? WHERE id = ?",
                arguments: [WebhookDelivery.State.dead.rawValue, attempts, error, id])
        }
    }

    /// How many rows are in each state (every state is present, zero when empty).
    public func counts() async throws -> [WebhookDelivery.State: Int] {
        try await database.pool.read { db in
            var counts = Dictionary(uniqueKeysWithValues: WebhookDelivery.State.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS count FROM webhookOutbox GROUP BY state") {
                if let state = WebhookDelivery.State(rawValue: row["state"]) { counts[state] = row["count"] }
            }
            return counts
        }
    }

    /// Dead deliveries, oldest first, at most `limit`.
    public func dead(limit: Int) async throws -> [WebhookDelivery] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.columns) FROM webhookOutbox WHERE state = ? ORDER BY seq LIMIT ?",
                arguments: [WebhookDelivery.State.dead.rawValue, limit]
            ).map(Self.decode)
        }
    }

    /// Makes dead deliveries pending again with a fresh attempt budget, due at once: those of
    /// `ids`, or every dead one when `ids` is nil. They keep their place in their session's
    /// order. Returns how many were requeued.
    public func requeue(ids: [String]?, at now: Date = Date()) async throws -> Int {
        try await database.pool.write { db in
            let pending = WebhookDelivery.State.pending.rawValue, dead = WebhookDelivery.State.dead.rawValue
            let update =
                "UPDATE webhookOutbox SET state = ?, attempts = 0, nextAttemptAt = ?, lastError = '' WHERE state = ?"
            guard let ids else {
                try db.execute(sql: update, arguments: [pending, now, dead])
                return db.changesCount
            }
            var requeued = 0
            for id in ids {
                try db.execute(sql: update + " AND id = ?", arguments: [pending, now, dead, id])
                requeued += db.changesCount
            }
            return requeued
        }
    }

    /// `payload` sealed for the row `id` (also what migration 006 stores for older rows).
    static func seal(_ payload: String, id: String, with secrets: SecretBox) throws -> Data {
        try secrets.seal(Data(payload.utf8), context: context(id: id))
    }

    private static func context(id: String) -> String { "webhookOutbox\u{0}\(id)" }

    /// What `decode` reads, by position: GRDB finds a column by name by lowercasing every
    /// name up to it, which cost an event some 17 k instructions.
    private static let columns = "id, session, type, createdAt, attempts, nextAttemptAt, state, lastError"
    private static let columnCount = 8

    private static func decode(_ row: Row) throws -> WebhookDelivery {
        let state: String = row[6]
        guard let decoded = WebhookDelivery.State(rawValue: state) else {
            throw StoreError.corrupt("webhookOutbox row with unknown state \"\(state)\"")
        }
        return WebhookDelivery(
            id: row[0], session: row[1], type: row[2], createdAt: row[3], attempts: row[4], nextAttemptAt: row[5],
            state: decoded, lastError: row[7])
    }
}
