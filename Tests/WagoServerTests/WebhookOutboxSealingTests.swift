import Crypto
import Foundation
import GRDB
import Testing
@testable import WagoStore

/// Webhook payloads carry message texts: they are sealed at rest like tokens, and migration 006
/// seals the rows an older version left in clear.
@Suite("Webhook outbox payloads at rest")
struct WebhookOutboxSealingTests {
    static let distinctive = "a-very-distinctive-message-text"
    static let payload = #"{"event":{"Message":{"conversation":"\#(distinctive)"}},"type":"Message"}"#

    @Test("a payload is stored sealed, opens with its key on its own row, and nowhere else")
    func sealedAtRest() async throws {
        let directory = TestGateway.temporaryDirectory()
        let secrets = SecretBox(masterKey: SymmetricKey(size: .bits256))
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        try SessionStore(database: database).insert(SessionRecord(id: "s", name: "s", token: "token-s", os: "WaGo"))
        let outbox = WebhookOutbox(database: database)
        let first = try await outbox.enqueue(session: "s", type: "Message", payload: Self.payload)
        let second = try await outbox.enqueue(session: "s", type: "Message", payload: #"{"other":true}"#)
        #expect(try await outbox.payload(id: first) == Self.payload)
        try Self.checkpoint(database)
        #expect(try Self.filesHolding(Self.distinctive, in: directory).isEmpty)

        try await database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE webhookOutbox SET sealedPayload = (SELECT sealedPayload FROM webhookOutbox WHERE id = ?)
                    WHERE id = ?
                    """,
                arguments: [first, second])
        }
        await #expect(throws: StoreError.self, "a sealed payload copied onto another row does not open") {
            try await outbox.payload(id: second)
        }
        let otherKey = try WagoDatabase(
            dataDirectory: directory, secrets: SecretBox(masterKey: SymmetricKey(size: .bits256)))
        await #expect(throws: StoreError.self) { try await WebhookOutbox(database: otherKey).payload(id: first) }
    }

    @Test("migration 006 seals the payloads queued before it, keeping their order, and leaves no clear text")
    func migrationSealsOldRows() async throws {
        let directory = TestGateway.temporaryDirectory()
        let secrets = SecretBox(masterKey: SymmetricKey(size: .bits256))
        let old = try DatabasePool(path: directory.appendingPathComponent("wago.sqlite").path)
        try WagoDatabase.migrator(secrets: secrets).migrate(old, upTo: "005_webhook_outbox")
        let payloads = [Self.payload, #"{"second":1}"#, #"{"third":2}"#]
        try await old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO session (id, name, tokenIndex, sealedToken, os, createdAt)
                    VALUES ('s', 's', x'01', x'02', 'WaGo', ?)
                    """,
                arguments: [Date()])
            for (number, payload) in payloads.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO webhookOutbox
                            (id, session, type, payload, createdAt, attempts, nextAttemptAt, state, lastError)
                        VALUES (?, 's', 'Message', ?, ?, 0, ?, 'pending', '')
                        """,
                    arguments: ["row-\(number)", payload, Date(), Date()])
            }
        }
        try old.close()
        #expect(try Self.filesHolding(Self.distinctive, in: directory).count == 1, "the old version stored it in clear")

        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let outbox = WebhookOutbox(database: database)
        for (number, payload) in payloads.enumerated() {
            #expect(try await outbox.payload(id: "row-\(number)") == payload)
        }
        #expect(try await outbox.heads().map(\.id) == ["row-0"], "the oldest row is still the session's head")
        let columns = try await database.pool.read { db in try db.columns(in: "webhookOutbox").map(\.name) }
        #expect(!columns.contains("payload") && columns.contains("sealedPayload"))
        try Self.checkpoint(database)
        #expect(try Self.filesHolding(Self.distinctive, in: directory).isEmpty)
    }

    /// Moves the write-ahead log into the database file, so the file shows what is stored.
    static func checkpoint(_ database: WagoDatabase) throws {
        try database.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// The database files in `directory` whose bytes contain `text`.
    static func filesHolding(_ text: String, in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("wago.sqlite") }
            .filter { file in
                let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
                return bytes.range(of: Data(text.utf8)) != nil
            }
    }
}
