import Foundation
import GRDB

/// Values a plugin keeps per session (or globally, with an empty session), sealed at rest
/// because plugins may store credentials. Synchronous, as the plugin ABI's kv_get, kv_set and
/// kv_delete are: reads go through `WagoDatabase.synchronousRead`, so a plugin calling them on
/// a cooperative thread never waits for a reader connection an async task holds. Statements
/// are compiled once per connection (plugins call these for every message), and each write is
/// one statement, a transaction by itself, so none runs a BEGIN and COMMIT besides.
public struct PluginValueStore: Sendable {
    private let database: WagoDatabase

    public init(database: WagoDatabase) {
        self.database = database
    }

    public func value(plugin: String, session: String, key: String) throws -> Data? {
        let sealed = try database.synchronousRead { db in
            try Data.fetchOne(
                db.cachedStatement(sql: "SELECT sealedValue FROM pluginValue WHERE plugin = ? AND session = ? AND key = ?"),
                arguments: [plugin, session, key])
        }
        return try sealed.map { try database.secrets.open($0, context: Self.context(plugin, session, key)) }
    }

    public func setValue(_ value: Data, plugin: String, session: String, key: String) throws {
        let sealed = try database.secrets.seal(value, context: Self.context(plugin, session, key))
        try database.pool.writeWithoutTransaction { db in
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO pluginValue (plugin, session, key, sealedValue) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [plugin, session, key, sealed])
        }
    }

    /// Returns whether a value was there.
    @discardableResult
    public func removeValue(plugin: String, session: String, key: String) throws -> Bool {
        try database.pool.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "DELETE FROM pluginValue WHERE plugin = ? AND session = ? AND key = ?")
                .execute(arguments: [plugin, session, key])
            return db.changesCount > 0
        }
    }

    // Binds the value to its slot: a sealed value moved to another plugin's key does not open.
    static func context(_ plugin: String, _ session: String, _ key: String) -> String {
        "plugin.value\u{0}\(plugin)\u{0}\(session)\u{0}\(key)"
    }
}
