import Crypto
import Foundation
import GRDB
import Synchronization
import Testing
import WagoStore

/// The phone number ↔ LID store: both ways, one LID per number and one number per LID,
/// scoped to its session, sealed at rest, kept across a reopen and wiped with the device.
@Suite("LID store")
struct LIDStoreTests {
    let directory = TestGateway.temporaryDirectory()
    let secrets = SecretBox(masterKey: SymmetricKey(size: .bits256))

    @Test("mappings are found both ways, replace older ones of either side, and survive a reopen")
    func mappings() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let store = LIDStore(database: database, device: "s1")
        #expect(try await store.lid(forPhone: "5511999990001") == nil)
        try store.put([("5511999990001", "100000000000001"), ("5511999990002", "100000000000002")])
        #expect(try await store.lid(forPhone: "5511999990001") == "100000000000001")
        #expect(try await store.phone(forLID: "100000000000002") == "5511999990002")

        // A number that moved to another LID, and a LID now on another number.
        try store.put(phone: "5511999990001", lid: "100000000000009")
        try store.put(phone: "5511999990003", lid: "100000000000002")
        #expect(try await store.lid(forPhone: "5511999990001") == "100000000000009")
        #expect(try await store.phone(forLID: "100000000000001") == nil)
        #expect(try await store.lid(forPhone: "5511999990002") == nil)
        #expect(try await store.phone(forLID: "100000000000002") == "5511999990003")

        // A fresh store (empty cache) reads the same from the database; other sessions see nothing.
        let reopened = LIDStore(database: try WagoDatabase(dataDirectory: directory, secrets: secrets), device: "s1")
        #expect(try await reopened.lid(forPhone: "5511999990001") == "100000000000009")
        #expect(try await reopened.phone(forLID: "100000000000002") == "5511999990003")
        #expect(try await reopened.phone(forLID: "100000000000001") == nil)
        #expect(try await LIDStore(database: database, device: "s2").lid(forPhone: "5511999990001") == nil)
        #expect(try await database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM lidMapping") } == 2)
    }

    @Test("a number without a LID is looked up once, until a mapping for it is put or the answer expires")
    func numbersWithoutLID() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let store = LIDStore(database: database, device: "s1")
        let lookups = Mutex(0)
        let none: @Sendable (String) async throws -> String? = { _ in
            lookups.withLock { $0 += 1 }
            return nil
        }
        // Two sends to a number without LID: one lookup.
        #expect(try await store.lid(forPhone: "5511999990001", lookingUp: none) == nil)
        #expect(try await store.lid(forPhone: "5511999990001", lookingUp: none) == nil)
        #expect(lookups.withLock { $0 } == 1)
        // A mapping learned meanwhile (a notification, a stanza) ends the negative answer.
        try store.put(phone: "5511999990001", lid: "100000000000001")
        #expect(try await store.lid(forPhone: "5511999990001", lookingUp: none) == "100000000000001")
        #expect(lookups.withLock { $0 } == 1)
        // Once the answer expired (at once here), the number is asked about again.
        let forgetful = LIDStore(database: database, device: "s2", noLIDLifetime: .zero)
        #expect(try await forgetful.lid(forPhone: "5511999990002", lookingUp: none) == nil)
        #expect(try await forgetful.lid(forPhone: "5511999990002", lookingUp: none) == nil)
        #expect(lookups.withLock { $0 } == 3)
        // A lookup that finds one stores it.
        #expect(try await store.lid(forPhone: "5511999990003") { _ in "100000000000003" } == "100000000000003")
        #expect(try await store.phone(forLID: "100000000000003") == "5511999990003")
    }

    @Test("many numbers are looked up at once: the cached ones and the stored ones, of this session only")
    func manyAtOnce() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let store = LIDStore(database: database, device: "s1")
        try store.put([("5511999990001", "100000000000001"), ("5511999990002", "100000000000002")])
        try LIDStore(database: database, device: "s2").put(phone: "5511999990003", lid: "100000000000003")
        let phones = ["5511999990001", "5511999990002", "5511999990003", "5511999990004"]
        let expected = ["5511999990001": "100000000000001", "5511999990002": "100000000000002"]
        #expect(try await store.lids(forPhones: phones) == expected)
        // A fresh store (empty cache) reads them in one query and keeps them, both ways.
        let reopened = LIDStore(database: database, device: "s1")
        #expect(try await reopened.lids(forPhones: phones) == expected)
        try await database.pool.write { try $0.execute(sql: "DELETE FROM lidMapping") }
        #expect(try await reopened.lids(forPhones: phones) == expected)
        #expect(try await reopened.phone(forLID: "100000000000002") == "5511999990002")
        #expect(try await reopened.lids(forPhones: []) == [:])
    }

    @Test("a number found without a stored mapping is not read again until one is put")
    func unmappedNumbersAreRemembered() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        let store = LIDStore(database: database, device: "s1")
        #expect(try await store.lids(forPhones: ["5511999990001", "5511999990002"]) == [:])
        // A row written behind this store's back (no store of the gateway does so) is not read:
        // the miss is remembered, for single lookups too.
        try LIDStore(database: database, device: "s1").put(phone: "5511999990001", lid: "100000000000001")
        #expect(try await store.lids(forPhones: ["5511999990001"]) == [:])
        #expect(try await store.lid(forPhone: "5511999990001") == nil)
        // A mapping put through the store ends the miss at once.
        try store.put(phone: "5511999990002", lid: "100000000000002")
        #expect(try await store.lids(forPhones: ["5511999990001", "5511999990002"]) == ["5511999990002": "100000000000002"])
        // A fresh store reads both.
        #expect(
            try await LIDStore(database: database, device: "s1").lids(forPhones: ["5511999990001", "5511999990002"])
                == ["5511999990001": "100000000000001", "5511999990002": "100000000000002"])
    }

    @Test("neither side is stored in clear, and a device wipe deletes its mappings")
    func sealedAndWiped() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        try LIDStore(database: database, device: "s1").put(phone: "5511999990001", lid: "123456789012345")
        try LIDStore(database: database, device: "s2").put(phone: "5511999990002", lid: "123456789012346")
        try await database.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let file = try Data(contentsOf: directory.appendingPathComponent("wago.sqlite"))
        for clear in ["5511999990001", "123456789012345"] {
            #expect(file.range(of: Data(clear.utf8)) == nil, "\(clear) is in the database file in clear")
        }

        try await DeviceStore(database: database).wipe(session: "s1")
        #expect(try await LIDStore(database: database, device: "s1").lid(forPhone: "5511999990001") == nil)
        #expect(try await LIDStore(database: database, device: "s2").lid(forPhone: "5511999990002") == "123456789012346")
    }
}
