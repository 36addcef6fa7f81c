import Foundation
import GRDB

/// What a session keeps to be a WhatsApp companion device, besides its Signal state (identity,
/// registration id and prekeys live in `SignalStore` under the same session id).
public struct DeviceRecord: Codable, Sendable, Equatable {
    /// The long-term Noise static key: a login must use the key that registered.
    public var noisePrivateKey: [UInt8]
    /// The secret a QR carries (or a pair code derives); keys the pair-success HMAC.
    public var advSecret: [UInt8]
    /// The signed prekey in use and when it was made, for rotation.
    public var signedPreKeyID: UInt32
    public var signedPreKeyCreatedAt: Date
    /// The id the next uploaded one-time prekey gets.
    public var nextPreKeyID: UInt32
    /// Set by pairing: our device JID (`phone:device@s.whatsapp.net`) and LID, as strings.
    public var jid: String?
    public var lid: String?
    /// Our serialized ADVSignedDeviceIdentity, sent as `device-identity` with prekey messages.
    public var account: [UInt8]?
    public var platform: String
    public var pushName: String

    public init(
        noisePrivateKey: [UInt8], advSecret: [UInt8], signedPreKeyID: UInt32, signedPreKeyCreatedAt: Date = Date(),
        nextPreKeyID: UInt32 = 1, jid: String? = nil, lid: String? = nil, account: [UInt8]? = nil,
        platform: String = "", pushName: String = ""
    ) {
        self.noisePrivateKey = noisePrivateKey
        self.advSecret = advSecret
        self.signedPreKeyID = signedPreKeyID
        self.signedPreKeyCreatedAt = signedPreKeyCreatedAt
        self.nextPreKeyID = nextPreKeyID
        self.jid = jid
        self.lid = lid
        self.account = account
        self.platform = platform
        self.pushName = pushName
    }

    /// Whether pairing completed: the device can log in.
    public var isLinked: Bool { jid != nil }
}

/// One device record per session, sealed at rest as a whole (it is mostly private keys).
public struct DeviceStore: Sendable {
    private let database: WagoDatabase

    public init(database: WagoDatabase) {
        self.database = database
    }

    public func device(session: String) async throws -> DeviceRecord? {
        let sealed = try await database.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT sealedRecord FROM device WHERE session = ?", arguments: [session])
        }
        guard let sealed else { return nil }
        let plain = try database.secrets.open(sealed, context: Self.context(session))
        return try JSONDecoder().decode(DeviceRecord.self, from: plain)
    }

    public func save(_ record: DeviceRecord, session: String) async throws {
        let sealed = try database.secrets.seal(JSONEncoder().encode(record), context: Self.context(session))
        try await database.pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO device (session, sealedRecord) VALUES (?, ?)", arguments: [session, sealed])
        }
    }

    /// Forgets the device and its Signal state in one transaction (logout, unlink, delete).
    public func wipe(session: String) async throws {
        try await database.pool.write { [signalCache = database.signalCache] db in
            try Self.wipe(session: session, in: db, signalCache: signalCache)
        }
    }

    /// `wipe(session:)` inside the caller's transaction; `signalCache` forgets the device's
    /// Signal state once it commits.
    static func wipe(session: String, in db: Database, signalCache: SignalStateCache) throws {
        try db.execute(sql: "DELETE FROM device WHERE session = ?", arguments: [session])
        try SignalStore.deleteAll(device: session, in: db, cache: signalCache)
        try LIDStore.deleteAll(device: session, in: db)
        try SentMessageStore.deleteAll(device: session, in: db)
    }

    private static func context(_ session: String) -> String { "device\u{0}\(session)" }
}
