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
        return migrator
    }
}
