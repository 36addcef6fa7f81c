import Crypto
import Foundation
import GRDB
import Testing
@testable import WagoStore

/// The sent-message store behind retry receipts: found by chat and id at once and after a
/// reopen, its session's `capacity` newest kept, sealed at rest, scoped to its session and
/// wiped with the device.
@Suite("Sent message store")
struct SentMessageStoreTests {
    let directory = TestGateway.temporaryDirectory()
    let secrets = SecretBox(masterKey: SymmetricKey(size: .bits256))

    static func rows(_ database: WagoDatabase) async throws -> Int {
        try await database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sentMessage") ?? 0 }
    }

    /// Stores what `store` queued, in a transaction of its own, as a Signal commit does.
    static func commit(_ store: SentMessageStore, in database: WagoDatabase) async throws {
        try await database.pool.write { try store.insertQueued(in: $0) }
        store.committed()
    }

    @Test("a kept message is found at once, and by a store opened anew once written; other chats, ids and sessions find none")
    func keptAcrossAReopen() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let store = SentMessageStore(database: database, device: "s1")
        let chat = "5511999990001@s.whatsapp.net"
        try store.keep([1, 2, 3], chat: chat, id: "3EB0A")
        #expect(try await store.message(chat: chat, id: "3EB0A") == [1, 2, 3])
        try store.keep([4, 5], chat: chat, id: "3EB0A")
        #expect(try await store.message(chat: chat, id: "3EB0A") == [4, 5], "the newest for a chat and id")
        #expect(try await Self.rows(database) == 0, "queued until a commit")
        try await Self.commit(store, in: database)
        #expect(try await Self.rows(database) == 2)
        #expect(try await store.message(chat: chat, id: "3EB0A") == [4, 5])

        let reopened = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let restarted = SentMessageStore(database: reopened, device: "s1")
        #expect(try await restarted.message(chat: chat, id: "3EB0A") == [4, 5])
        #expect(try await restarted.message(chat: chat, id: "3EB0B") == nil)
        #expect(try await restarted.message(chat: "5511999990002@s.whatsapp.net", id: "3EB0A") == nil)
        #expect(try await SentMessageStore(database: reopened, device: "s2").message(chat: chat, id: "3EB0A") == nil)
        // Its own rows go after those of before the reopen.
        try restarted.keep([6], chat: chat, id: "3EB0C")
        try await Self.commit(restarted, in: reopened)
        #expect(try await Self.rows(reopened) == 3)
        #expect(try await restarted.message(chat: chat, id: "3EB0A") == [4, 5])
        #expect(try await restarted.message(chat: chat, id: "3EB0C") == [6])
    }

    @Test("rows of a commit that rolled back stay queued, and the next commit stores them")
    func rolledBack() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        struct Failure: Error {}
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let store = SentMessageStore(database: database, device: "s1")
        let chat = "5511999990001@s.whatsapp.net"
        try store.keep([1], chat: chat, id: "a")
        await #expect(throws: Failure.self) {
            try await database.pool.write { db in
                try store.insertQueued(in: db)
                throw Failure()
            }
        }
        #expect(try await Self.rows(database) == 0)
        #expect(try await store.message(chat: chat, id: "a") == [1])
        try store.keep([2], chat: chat, id: "b")
        try await Self.commit(store, in: database)
        let reader = SentMessageStore(database: database, device: "s1")
        #expect(try await reader.message(chat: chat, id: "a") == [1])
        #expect(try await reader.message(chat: chat, id: "b") == [2])
    }

    @Test("the newest `capacity` messages of a session are kept, whatever its other sessions keep")
    func trimmed() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let store = SentMessageStore(database: database, device: "s1")
        let other = SentMessageStore(database: database, device: "s2")
        let chat = "5511999990001@s.whatsapp.net"
        try other.keep([0], chat: chat, id: "other")
        try await Self.commit(other, in: database)
        let total = SentMessageStore.capacity * 2
        for number in 0..<total {
            try store.keep([UInt8(number % 256)], chat: chat, id: "m\(number)")
            // Commits of a few sends each, as under load.
            if number % 7 == 6 { try await Self.commit(store, in: database) }
        }
        try await Self.commit(store, in: database)
        // A store with nothing queued reads the table alone.
        let reader = SentMessageStore(database: database, device: "s1")
        for number in (total - SentMessageStore.capacity)..<total {
            #expect(try await reader.message(chat: chat, id: "m\(number)") == [UInt8(number % 256)], "m\(number)")
        }
        #expect(try await reader.message(chat: chat, id: "m0") == nil)
        // Trimming runs once a quarter of the capacity was written since: fewer are left over.
        #expect(try await Self.rows(database) < SentMessageStore.capacity * 5 / 4 + 1)
        #expect(try await other.message(chat: chat, id: "other") == [0], "another session's row is never trimmed")
    }

    @Test("rows hold neither the message nor the chat in clear, and a sealed message copied into another row does not open")
    func sealed() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let chat = "5511999990001@s.whatsapp.net"
        let message = Array("um segredo bem guardado".utf8)
        let store = SentMessageStore(database: database, device: "s1")
        try store.keep(message, chat: chat, id: "3EB0A")
        try await Self.commit(store, in: database)
        let row = try #require(
            try await database.pool.read { try Row.fetchOne($0, sql: "SELECT * FROM sentMessage") })
        for column in ["keyIndex", "sealedMessage"] {
            let bytes = Array(row[column] as Data)
            #expect(!Self.contains(bytes, message), "\(column)")
            #expect(!Self.contains(bytes, Array(chat.utf8)), "\(column)")
            #expect(!Self.contains(bytes, Array("5511999990001".utf8)), "\(column)")
        }
        // Another message's sealed bytes copied into this row do not open: each is bound to its row.
        try store.keep([9], chat: chat, id: "3EB0B")
        try await Self.commit(store, in: database)
        let index = row["keyIndex"] as Data
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE sentMessage SET sealedMessage = (SELECT sealedMessage FROM sentMessage WHERE keyIndex != ?)
                    WHERE keyIndex = ?
                    """, arguments: [index, index])
        }
        await #expect(throws: StoreError.self) { try await store.message(chat: chat, id: "3EB0A") }
        #expect(try await store.message(chat: chat, id: "3EB0B") == [9])
    }

    @Test("wiping the device deletes its sent messages")
    func wiped() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let chat = "5511999990001@s.whatsapp.net"
        for (device, message) in [("s1", [UInt8(1)]), ("s2", [2])] {
            let store = SentMessageStore(database: database, device: device)
            try store.keep(message, chat: chat, id: "a")
            try await Self.commit(store, in: database)
        }
        try await DeviceStore(database: database).wipe(session: "s1")
        #expect(try await SentMessageStore(database: database, device: "s1").message(chat: chat, id: "a") == nil)
        #expect(try await SentMessageStore(database: database, device: "s2").message(chat: chat, id: "a") == [2])
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
