import Foundation
import GRDB
import Testing
@testable import WagoStore

/// Which devices hold our sender key per group: `SignalStore`'s own sealed table (migration
/// 008), which took over the rows earlier versions kept in the plugin key-value table.
@Suite struct SenderKeyHolderTableTests {
    static let group = "120363025246125486@g.us"

    @Test("holders accumulate per group, are forgotten per group, and go with the device's Signal rows")
    func holdersPerGroup() async throws {
        let party = try StoredParty(name: "111")
        let store = party.store
        try await store.addSenderKeyHolders(["5511999990001:1@s.whatsapp.net", "5511999990002@s.whatsapp.net"], of: Self.group)
        try await store.addSenderKeyHolders(["5511999990002@s.whatsapp.net", "5511999990003@s.whatsapp.net"], of: Self.group)
        try await store.addSenderKeyHolders(["5511999990009@s.whatsapp.net"], of: "other@g.us")
        try party.restart()
        #expect(try await party.store.senderKeyHolders(of: Self.group) == [
            "5511999990001:1@s.whatsapp.net", "5511999990002@s.whatsapp.net", "5511999990003@s.whatsapp.net",
        ])
        #expect(try await SignalStore(database: party.database, device: "device-2").senderKeyHolders(of: Self.group).isEmpty)
        #expect(try party.fileBytes().range(of: Data("5511999990003".utf8)) == nil, "holders are sealed at rest")

        try await party.store.removeSenderKeyHolders(of: Self.group)
        #expect(try await party.store.senderKeyHolders(of: Self.group).isEmpty)
        #expect(try await party.store.senderKeyHolders(of: "other@g.us") == ["5511999990009@s.whatsapp.net"])
        try await party.store.deleteAll()
        #expect(try await party.store.senderKeyHolders(of: "other@g.us").isEmpty)
    }

    @Test("migration 008 moves the holders out of the plugin key-value space, still sealed")
    func migrationMovesHolders() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-holders-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secrets = SecretBox(
            masterKey: try SecretBox.loadMasterKey(configured: String(repeating: "cd", count: 32), dataDirectory: directory))
        let space = "wago.core.sender-key-holders"
        let holders = Data(#"["5511999990001:1@s.whatsapp.net","5511999990002@s.whatsapp.net"]"#.utf8)
        let old = try DatabasePool(path: directory.appendingPathComponent("wago.sqlite").path)
        try WagoDatabase.migrator(secrets: secrets).migrate(old, upTo: "007_webhook_media_forwarding")
        try await old.write { db in
            for (plugin, session) in [(space, "s1"), ("some-plugin", "s1")] {
                try db.execute(
                    sql: "INSERT INTO pluginValue (plugin, session, key, sealedValue) VALUES (?, ?, ?, ?)",
                    arguments: [
                        plugin, session, Self.group,
                        try secrets.seal(holders, context: PluginValueStore.context(plugin, session, Self.group)),
                    ])
            }
        }
        try old.close()

        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        #expect(try await SignalStore(database: database, device: "s1").senderKeyHolders(of: Self.group) == [
            "5511999990001:1@s.whatsapp.net", "5511999990002@s.whatsapp.net",
        ])
        let values = PluginValueStore(database: database)
        #expect(try values.value(plugin: space, session: "s1", key: Self.group) == nil)
        #expect(try values.value(plugin: "some-plugin", session: "s1", key: Self.group) == holders, "other plugins' values stay")
    }
}
