import Crypto
import Foundation
import Testing
import WagoStore
@testable import WagoServer

/// The in-memory session index: found by id and by token, kept in step with the store.
@Suite("Session registry")
struct SessionRegistryTests {
    @Test("sessions are found by id and by token after create, update, delete and a reload")
    func lookups() throws {
        let directory = TestGateway.temporaryDirectory()
        let secrets = SecretBox(masterKey: SymmetricKey(size: .bits256))
        let store = SessionStore(database: try WagoDatabase(dataDirectory: directory, secrets: secrets))
        let registry = try SessionRegistry(store: store, secrets: secrets)
        let records = (0..<100).map { SessionRecord(id: "id-\($0)", name: "name-\($0)", token: "token-\($0)", os: "WaGo") }
        for record in records { try registry.create(record) }

        #expect(registry.session(id: "id-42")?.token == "token-42")
        #expect(registry.authenticate(token: "token-42")?.id == "id-42")
        #expect(registry.session(id: "token-42") == nil, "a token is not an id")
        #expect(registry.authenticate(token: "id-42") == nil, "an id is not a token")

        let updated = try registry.update(records[7]) { store, record in
            try store.setJID("5511999990007:1@s.whatsapp.net", id: record.id)
            record.jid = "5511999990007:1@s.whatsapp.net"
        }
        #expect(registry.session(id: "id-7") == updated)
        #expect(registry.authenticate(token: "token-7") == updated)

        try registry.delete(records[3])
        #expect(registry.session(id: "id-3") == nil)
        #expect(registry.authenticate(token: "token-3") == nil)
        #expect(throws: APIError.self) { try registry.update(records[3]) { _, _ in } }

        let reloaded = try SessionRegistry(store: store, secrets: secrets)
        #expect(reloaded.all.count == 99)
        #expect(reloaded.session(id: "id-7")?.jid == "5511999990007:1@s.whatsapp.net")
        #expect(reloaded.authenticate(token: "token-99")?.id == "id-99")
    }
}
