import GRDB

extension WagoDatabase {
    /// Numbered migrations. Append new ones; never edit one that has shipped.
    static var migrator: DatabaseMigrator {
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
        return migrator
    }
}
