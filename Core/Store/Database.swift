import Foundation
import GRDB

/// The gateway's SQLite database in the data folder: WAL mode, migrated on open.
///
/// Commits run with `synchronous = NORMAL`, which GRDB's `DatabasePool` sets with WAL: a commit
/// is not fsynced, the WAL is at checkpoints. Under WAL that still survives a killed process;
/// only a power loss or OS crash can lose the last commits, and never corrupts the database.
public final class WagoDatabase: Sendable {
    public let pool: DatabasePool
    public let secrets: SecretBox

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
}
