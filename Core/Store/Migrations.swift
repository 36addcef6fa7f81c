import Foundation
import GRDB

extension WagoDatabase {
    /// Numbered migrations. Append new ones; never edit one that has shipped. `secrets` seals
    /// what a migration moves out of clear text.
    static func migrator(secrets: SecretBox) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("001_sessions") { db in
            try db.create(table: "session") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique()
                // HMAC of the token under the index key: finds a row without the token in clear.
                t.column("tokenIndex", .blob).notNull().unique()
                t.column("sealedToken", .blob).notNull()
                t.column("os", .text).notNull()
                t.column("webhookURL", .text).notNull().defaults(to: "")
                t.column("subscribe", .text).notNull().defaults(to: "")
                t.column("jid", .text).notNull().defaults(to: "")
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("002_plugin_kv") { db in
            try db.create(table: "pluginValue") { t in
                t.column("plugin", .text).notNull()
                // Empty for the plugin's global space; else a session id.
                t.column("session", .text).notNull()
                t.column("key", .text).notNull()
                t.column("sealedValue", .blob).notNull()
                t.primaryKey(["plugin", "session", "key"])
            }
        }
        // The Signal protocol state of each linked device, scoped by `device`. Secrets are
        // sealed with a context naming table, device and key (SignalStore.swift).
        migrator.registerMigration("003_signal") { db in
            try db.create(table: "signalLocalIdentity") { t in
                t.primaryKey("device", .text)
                t.column("registrationID", .integer).notNull()
                t.column("sealedPrivateKey", .blob).notNull()
            }
            // Peers' public identity keys: not secret, kept in clear.
            try db.create(table: "signalIdentity") { t in
                t.column("device", .text).notNull()
                t.column("address", .text).notNull()
                t.column("publicKey", .blob).notNull()
                t.primaryKey(["device", "address"])
            }
            for table in ["signalPreKey", "signalSignedPreKey"] {
                try db.create(table: table) { t in
                    t.column("device", .text).notNull()
                    t.column("id", .integer).notNull()
                    t.column("sealedRecord", .blob).notNull()
                    t.primaryKey(["device", "id"])
                }
            }
            try db.create(table: "signalSession") { t in
                t.column("device", .text).notNull()
                t.column("address", .text).notNull()
                t.column("sealedRecord", .blob).notNull()
                t.primaryKey(["device", "address"])
            }
            try db.create(table: "signalSenderKey") { t in
                t.column("device", .text).notNull()
                t.column("groupID", .text).notNull()
                t.column("sender", .text).notNull()
                t.column("sealedRecord", .blob).notNull()
                t.primaryKey(["device", "groupID", "sender"])
            }
        }
        // The linked-device identity of each session (DeviceStore.swift): one sealed record.
        migrator.registerMigration("004_devices") { db in
            try db.create(table: "device") { t in
                t.primaryKey("session", .text)
                t.column("sealedRecord", .blob).notNull()
            }
        }
        // Webhook delivery: each session's body format and signing secret (sealed), and the
        // outbox of events to post (WebhookOutbox.swift). A session's rows go with it.
        migrator.registerMigration("005_webhook_outbox") { db in
            try db.alter(table: "session") { t in
                t.add(column: "webhookFormat", .text).notNull().defaults(to: "form")
                t.add(column: "sealedWebhookSecret", .blob)
            }
            try db.create(table: "webhookOutbox") { t in
                // Insertion order: the order of a session's deliveries.
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("session", .text).notNull().references("session", column: "id", onDelete: .cascade)
                t.column("type", .text).notNull()
                t.column("payload", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("attempts", .integer).notNull()
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("state", .text).notNull()
                t.column("lastError", .text).notNull()
            }
            // Finds the oldest pending row of each session without a scan.
            try db.create(index: "webhookOutboxQueue", on: "webhookOutbox", columns: ["state", "session", "seq"])
        }
        // Event payloads hold message texts: sealed at rest like every other secret, the rows
        // queued by an older version included.
        migrator.registerMigration("006_seal_webhook_payloads") { db in
            // Overwrites what the rewrite frees, so the clear texts leave the file too.
            let secureDelete = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = \(secureDelete)") }
            try db.alter(table: "webhookOutbox") { t in
                t.add(column: "sealedPayload", .blob).notNull().defaults(to: Data())
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, payload FROM webhookOutbox") {
                let id: String = row["id"]
                let payload: String = row["payload"]
                try db.execute(
                    sql: "UPDATE webhookOutbox SET sealedPayload = ? WHERE id = ?",
                    arguments: [try WebhookOutbox.seal(payload, id: id, with: secrets), id])
            }
            try db.alter(table: "webhookOutbox") { t in t.drop(column: "payload") }
        }
        // WaGo's media file forwarding: Message events with media posted as multipart form
        // data with the file (WebhookRequest.swift).
        migrator.registerMigration("007_webhook_media_forwarding") { db in
            try db.alter(table: "session") { t in
                t.add(column: "webhookForwardsMedia", .boolean).notNull().defaults(to: false)
            }
        }
        // Which devices hold our sender key in each group: a table of their own, sealed per
        // (device, group) and wiped with the device's other Signal rows, instead of the plugin
        // key-value space "wago.core.sender-key-holders" where earlier versions kept them.
        migrator.registerMigration("008_sender_key_holders") { db in
            try db.create(table: "signalSenderKeyHolders") { t in
                t.column("device", .text).notNull()
                t.column("groupID", .text).notNull()
                t.column("sealedRecord", .blob).notNull()
                t.primaryKey(["device", "groupID"])
            }
            let space = "wago.core.sender-key-holders"
            let rows = try Row.fetchAll(
                db, sql: "SELECT session, key, sealedValue FROM pluginValue WHERE plugin = ?", arguments: [space])
            for row in rows {
                let session: String = row["session"]
                let group: String = row["key"]
                let holders = try secrets.open(row["sealedValue"], context: PluginValueStore.context(space, session, group))
                try db.execute(
                    sql: "INSERT INTO signalSenderKeyHolders (device, groupID, sealedRecord) VALUES (?, ?, ?)",
                    arguments: [
                        session, group, try SignalStore.sealHolders(holders, device: session, groupID: group, with: secrets),
                    ])
            }
            try db.execute(sql: "DELETE FROM pluginValue WHERE plugin = ?", arguments: [space])
        }
        // Phone number ↔ LID of the accounts each session met (LIDStore.swift), both sides
        // sealed and found by keyed indexes.
        migrator.registerMigration("009_lid_map") { db in
            try db.create(table: "lidMapping") { t in
                t.column("device", .text).notNull()
                t.column("pnIndex", .blob).notNull()
                t.column("lidIndex", .blob).notNull()
                t.column("sealedPN", .blob).notNull()
                t.column("sealedLID", .blob).notNull()
                t.primaryKey(["device", "pnIndex"])
                t.uniqueKey(["device", "lidIndex"])
            }
        }
        // Our latest sent messages per session, for retry receipts after a restart
        // (SentMessageStore.swift): one B-tree in sending order, so a send's row is one append
        // to a page its commit writes anyway, and trimming is a range delete.
        migrator.registerMigration("010_sent_messages") { db in
            try db.create(table: "sentMessage", options: .withoutRowID) { t in
                t.column("device", .text).notNull()
                t.column("number", .integer).notNull()
                t.column("keyIndex", .blob).notNull()
                t.column("sealedMessage", .blob).notNull()
                t.primaryKey(["device", "number"])
            }
        }
        return migrator
    }
}
