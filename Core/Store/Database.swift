import Foundation
import GRDB

/// The gateway's SQLite database in the data folder: WAL mode, migrated on open.
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
