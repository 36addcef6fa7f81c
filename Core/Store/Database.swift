import Foundation
import GRDB

/// The gateway's SQLite database in the data folder: WAL mode, migrated on open.
///
/// Commits run with `synchronous = NORMAL`, which GRDB's `DatabasePool` sets with WAL: a commit
/// is not fsynced, the WAL is at checkpoints. Under WAL that still survives a killed process;
/// only a power loss or OS crash can lose the last commits, and never corrupts the database.
///
/// Code that runs on Swift's cooperative pool (every async function) uses the pool's async
/// API only. A blocking `pool.read` there can deadlock: it waits for a reader connection, and
/// an async read gives its reader back only after its task resumes on the cooperative pool, so
/// once every pool thread is blocked waiting for a reader none comes back. Callers that must
/// stay synchronous read with `synchronousRead`; blocking writes are safe anywhere, as the
/// writer runs each transaction whole on its own serial queue.
public final class WagoDatabase: Sendable {
    public let pool: DatabasePool
    public let secrets: SecretBox
    /// The Signal state `SignalStore` read or wrote, per device, decoded (in memory only).
    let signalCache = SignalStateCache()

    /// Opens (creating when needed) `<dataDirectory>/wago.sqlite` and applies every migration.
    public init(dataDirectory: URL, secrets: SecretBox) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        pool = try DatabasePool(
            path: dataDirectory.appendingPathComponent("wago.sqlite").path, configuration: configuration)
        self.secrets = secrets
        try Self.migrator(secrets: secrets).migrate(pool)
    }

    /// A read for a caller that cannot suspend (the plugin ABI's synchronous `kv_get`), served
    /// by the writer connection and never by a reader: the writer's serial queue only runs
    /// whole transactions that never wait on Swift concurrency, so this wait always ends, even
    /// on a cooperative thread. A second connection kept for such callers was the alternative;
    /// its writes would contend with the pool's writer for SQLite's write lock, polling through
    /// the busy handler's sleeps under load. Reads here queue behind pending writes instead.
    public func synchronousRead<T>(_ value: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(value)
    }

    /// Runs `updates` in an IMMEDIATE transaction on `db`, a connection outside any transaction
    /// (in `writeWithoutTransaction`): committed when this returns, rolled back when `updates`
    /// or the commit throws. GRDB's `inTransaction` parses, compiles and finalizes its BEGIN and
    /// COMMIT anew each time (tens of thousands of instructions a transaction, and messages
    /// write several); these are cached statements. `updates` must let every statement error
    /// out (a failed statement can roll the whole transaction back), as GRDB's own callers do.
    /// Code that follows this call in the same `writeWithoutTransaction` runs after the commit
    /// and before any other write, in commit order (where caches learn what was committed).
    static func transaction<T>(in db: Database, _ updates: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try updates()
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            // A transaction SQLite already rolled back (disk full, I/O error) needs no ROLLBACK.
            try? db.rollback()
            throw error
        }
    }
}
