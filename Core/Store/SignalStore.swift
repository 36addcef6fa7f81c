import Foundation
import GRDB
import WACrypto
import WASignal

/// The Signal protocol state of one linked device: our identity and prekeys, peers' identities,
/// sessions and sender keys, and which devices hold our sender keys. Private keys and records
/// are sealed at rest, each bound to its table, device and key, so a sealed value copied into
/// another row does not open. What encrypting and decrypting read (our identity, sessions, peer
/// identities, sender keys, sender-key holders) is kept in memory once read or written, in the
/// device's `SignalDeviceCache`, which every store of the device on the database shares.
public struct SignalStore: SignalIdentityStore, SignalPreKeyStore, SignalSessionStore, SignalSenderKeyStore {
    private let database: WagoDatabase
    /// Scopes every row: each linked device has its own Signal state.
    public let device: String
    private let cache: SignalDeviceCache

    private enum Table {
        static let localIdentity = "signalLocalIdentity"
        static let identity = "signalIdentity"
        static let preKey = "signalPreKey"
        static let signedPreKey = "signalSignedPreKey"
        static let session = "signalSession"
        static let senderKey = "signalSenderKey"
        static let senderKeyHolders = "signalSenderKeyHolders"
        static let all = [localIdentity, identity, preKey, signedPreKey, session, senderKey, senderKeyHolders]
    }

    public init(database: WagoDatabase, device: String) {
        self.database = database
        self.device = device
        cache = database.signalCache.device(device)
    }

    // MARK: Identities

    /// Saves our identity key pair and registration id, replacing any earlier ones.
    public func saveLocalIdentity(_ identity: Curve25519KeyPair, registrationID: UInt32) async throws {
        let sealed = try seal(identity.privateKey, table: Table.localIdentity, key: "")
        let saved = SignalDeviceCache.LocalIdentity(keyPair: identity, registrationID: registrationID)
        try await write { [device] db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO signalLocalIdentity (device, registrationID, sealedPrivateKey) VALUES (?, ?, ?)",
                arguments: [device, registrationID, sealed])
            return { $0.localIdentity = saved }
        }
    }

    public func localIdentity() async throws -> Curve25519KeyPair {
        try await cachedLocalIdentity().keyPair
    }

    public func localRegistrationID() async throws -> UInt32 {
        try await cachedLocalIdentity().registrationID
    }

    /// Trust on first use: an unknown peer is trusted, a known one only with the same key.
    public func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) async throws -> Bool {
        let stored = try await cache.readThrough(\.identities, key: address) {
            try await database.pool.unsafeRead { [device] db in
                try Data.fetchOne(
                    db.cachedStatement(sql: "SELECT publicKey FROM signalIdentity WHERE device = ? AND address = ?"),
                    arguments: [device, address.description]
                ).map { Array($0) }
            }
        }
        return stored.map { $0 == identity.bytes } ?? true
    }

    /// Forgets a peer's identity and session, so that a changed identity is trusted again (the
    /// recovery `isTrustedIdentity` leaves to the caller).
    public func removeIdentityAndSession(for address: SignalAddress) async throws {
        try await write { [device] db in
            for table in [Table.identity, Table.session] {
                try db.execute(
                    sql: "DELETE FROM \(table) WHERE device = ? AND address = ?", arguments: [device, address.description])
            }
            return { entries in
                entries.identities.set(nil, for: address)
                entries.sessions.set(nil, for: address)
            }
        }
    }

    // MARK: Prekeys

    /// Stores one-time prekeys in one transaction (uploads come in batches of hundreds).
    public func storePreKeys(_ records: [PreKeyRecord]) async throws {
        // Sealed before the transaction, so the write lock is held only for the inserts.
        let rows = try records.map { ($0.id, try seal($0.serialized(), table: Table.preKey, key: String($0.id))) }
        try await database.pool.write { [device] db in
            let insert = try db.makeStatement(
                sql: "INSERT OR REPLACE INTO signalPreKey (device, id, sealedRecord) VALUES (?, ?, ?)")
            for (id, sealed) in rows { try insert.execute(arguments: [device, id, sealed]) }
        }
    }

    public func preKey(id: UInt32) async throws -> PreKeyRecord? {
        try await sealedRecord(in: Table.preKey, key: String(id), where: "id = ?", [id])
            .map { try PreKeyRecord(serialized: $0) }
    }

    /// How many unused one-time prekeys remain (the server asks for more when it runs low).
    public func preKeyCount() async throws -> Int {
        try await database.pool.read { [device] db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signalPreKey WHERE device = ?", arguments: [device]) ?? 0
        }
    }

    /// Returns whether the prekey was there.
    @discardableResult
    public func removePreKey(id: UInt32) async throws -> Bool {
        try await database.pool.write { [device] db in
            try db.execute(sql: "DELETE FROM signalPreKey WHERE device = ? AND id = ?", arguments: [device, id])
            return db.changesCount > 0
        }
    }

    /// Stores a signed prekey, replacing one with the same id.
    public func storeSignedPreKey(_ record: SignedPreKeyRecord) async throws {
        let sealed = try seal(record.serialized(), table: Table.signedPreKey, key: String(record.id))
        try await database.pool.write { [device] db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO signalSignedPreKey (device, id, sealedRecord) VALUES (?, ?, ?)",
                arguments: [device, record.id, sealed])
        }
    }

    /// Deletes every signed prekey but `kept` (after a rotation: the new one and the previous,
    /// which messages already in flight may still use).
    public func removeSignedPreKeys(keeping kept: Set<UInt32>) async throws {
        try await database.pool.write { [device] db in
            let ids = try UInt32.fetchAll(db, sql: "SELECT id FROM signalSignedPreKey WHERE device = ?", arguments: [device])
            for id in ids where !kept.contains(id) {
                try db.execute(sql: "DELETE FROM signalSignedPreKey WHERE device = ? AND id = ?", arguments: [device, id])
            }
        }
    }

    public func signedPreKey(id: UInt32) async throws -> SignedPreKeyRecord? {
        try await sealedRecord(in: Table.signedPreKey, key: String(id), where: "id = ?", [id])
            .map { try SignedPreKeyRecord(serialized: $0) }
    }

    // MARK: Sessions

    public func session(for address: SignalAddress) async throws -> WASignal.SessionRecord? {
        try await cache.readThrough(\.sessions, key: address) {
            try await sealedRecord(in: Table.session, key: address.description, where: "address = ?", [address.description])
                .map { try WASignal.SessionRecord(serialized: $0) }
        }
    }

    public func commit(_ commit: SessionCommit) async throws {
        try await self.commit(SignalWriteBatch(commit))
    }

    // MARK: Sender keys

    public func senderKey(for name: SenderKeyName) async throws -> SenderKeyRecord? {
        try await cache.readThrough(\.senderKeys, key: name) {
            try await sealedRecord(
                in: Table.senderKey, key: Self.key(name), where: "groupID = ? AND sender = ?",
                [name.groupID, name.sender.description]
            ).map { try SenderKeyRecord(serialized: $0) }
        }
    }

    public func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) async throws {
        try await commit(SignalWriteBatch(record, for: name))
    }

    // MARK: Batches

    /// Persists every write of `batch` in one SQLite transaction: sessions with their peer
    /// identities, consumed prekeys and sender keys all land, or none do (a `SignalTransaction`'s
    /// writes: one message's decryption, or its encryption for every device). A peer identity
    /// the cache holds as stored is not written again (it rarely changes; messages rewrote it).
    /// The messages `sentMessages` queued are stored in the same transaction: those of the
    /// sends whose ratchet steps these are, and of any send before them not stored yet.
    public func commit(_ batch: SignalWriteBatch, alongside sentMessages: SentMessageStore? = nil) async throws {
        guard !batch.isEmpty else { return }
        // Sealed before the transaction, so the write lock is held only for the statements.
        let sessions = try batch.sessions.map { address, write in
            let key = address.description
            return (address, try seal(write.record.serialized(), table: Table.session, key: key), write.remoteIdentity.bytes)
        }
        let senderKeys = try batch.senderKeys.map { name, record in
            (name, try seal(record.serialized(), table: Table.senderKey, key: Self.key(name)))
        }
        try await write { [device, cache] db in
            // Cached statements: compiled once per connection, as every message commits here.
            for (address, sealed, identity) in sessions {
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO signalSession (device, address, sealedRecord) VALUES (?, ?, ?)"
                ).execute(arguments: [device, address.description, sealed])
                guard cache.storedIdentity(for: address) != identity else { continue }
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO signalIdentity (device, address, publicKey) VALUES (?, ?, ?)"
                ).execute(arguments: [device, address.description, Data(identity)])
            }
            for id in batch.consumedPreKeyIDs {
                try db.cachedStatement(sql: "DELETE FROM signalPreKey WHERE device = ? AND id = ?")
                    .execute(arguments: [device, id])
            }
            for (name, sealed) in senderKeys {
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO signalSenderKey (device, groupID, sender, sealedRecord) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [device, name.groupID, name.sender.description, sealed])
            }
            try sentMessages?.insertQueued(in: db)
            return { entries in
                for (address, write) in batch.sessions {
                    entries.sessions.set(write.record, for: address)
                    entries.identities.set(write.remoteIdentity.bytes, for: address)
                }
                for (name, record) in batch.senderKeys { entries.senderKeys.set(record, for: name) }
            }
        }
        sentMessages?.committed()
    }

    // MARK: Sender-key holders

    /// The devices (JID strings) that got our sender key for `groupID`.
    public func senderKeyHolders(of groupID: String) async throws -> Set<String> {
        try await cache.readThrough(\.senderKeyHolders, key: groupID) {
            try await sealedRecord(in: Table.senderKeyHolders, key: groupID, where: "groupID = ?", [groupID])
                .map { try Self.decodeHolders(Data($0)) } ?? []
        }
    }

    /// Adds `holders` to those of `groupID` (read and rewritten in one transaction).
    public func addSenderKeyHolders(_ holders: Set<String>, of groupID: String) async throws {
        guard !holders.isEmpty else { return }
        try await write { [device, secrets = database.secrets] db in
            let context = Self.context(table: Table.senderKeyHolders, device: device, key: groupID)
            let stored = try Data.fetchOne(
                db, sql: "SELECT sealedRecord FROM signalSenderKeyHolders WHERE device = ? AND groupID = ?",
                arguments: [device, groupID])
            let known = try stored.map { try Self.decodeHolders(try secrets.open($0, context: context)) } ?? []
            let all = known.union(holders)
            guard all != known else { return nil }
            try db.execute(
                sql: "INSERT OR REPLACE INTO signalSenderKeyHolders (device, groupID, sealedRecord) VALUES (?, ?, ?)",
                arguments: [device, groupID, try secrets.seal(try Self.encodeHolders(all), context: context)])
            return { $0.senderKeyHolders.set(all, for: groupID) }
        }
    }

    /// Forgets every holder of `groupID` (our next message there gives everyone a new key).
    public func removeSenderKeyHolders(of groupID: String) async throws {
        try await write { [device] db in
            try db.execute(
                sql: "DELETE FROM signalSenderKeyHolders WHERE device = ? AND groupID = ?", arguments: [device, groupID])
            return { $0.senderKeyHolders.set([], for: groupID) }
        }
    }

    /// Holders as stored: a JSON array of JID strings, sorted (as earlier versions kept them in
    /// the plugin key-value table, whence migration 008 moves them unchanged).
    private static func encodeHolders(_ holders: Set<String>) throws -> Data {
        try JSONEncoder().encode(holders.sorted())
    }

    private static func decodeHolders(_ data: Data) throws -> Set<String> {
        Set(try JSONDecoder().decode([String].self, from: data))
    }

    /// `holders` (encoded) sealed for the row of `device` and `groupID` (for migration 008).
    static func sealHolders(_ holders: Data, device: String, groupID: String, with secrets: SecretBox) throws -> Data {
        try secrets.seal(holders, context: context(table: Table.senderKeyHolders, device: device, key: groupID))
    }

    // MARK: The whole device

    /// Deletes every Signal row of this device, in one transaction (when it is unlinked).
    public func deleteAll() async throws {
        try await database.pool.write { [device, cache = database.signalCache] db in
            try Self.deleteAll(device: device, in: db, cache: cache)
        }
    }

    /// Deletes every Signal row of `device` inside the caller's transaction, and what `cache`
    /// keeps of them once it commits.
    static func deleteAll(device: String, in db: Database, cache: SignalStateCache) throws {
        for table in Table.all {
            try db.execute(sql: "DELETE FROM \(table) WHERE device = ?", arguments: [device])
        }
        let deviceCache = cache.device(device)
        db.afterNextTransaction { _ in deviceCache.removeAll() }
    }

    // MARK: Rows and sealing

    /// Runs `updates` in one transaction, then applies the cache write it returns (if any) on
    /// the writer's queue right after the commit, so the cache learns commits in commit order.
    /// (GRDB's `afterNextTransaction` would too, but registering its observer drops every
    /// cached statement that deletes rows, such as the webhook outbox's, compiled again next.)
    private func write(_ updates: @Sendable (Database) throws -> SignalDeviceCache.Write?) async throws {
        try await database.pool.writeWithoutTransaction { [cache] db in
            if let committed = try WagoDatabase.transaction(in: db, { try updates(db) }) { cache.committed(committed) }
        }
    }

    private func cachedLocalIdentity() async throws -> SignalDeviceCache.LocalIdentity {
        try await cache.readThrough(cached: { $0.localIdentity }, remember: { $0.localIdentity = $1 }) {
            let row = try await database.pool.read { [device] db in
                try Row.fetchOne(
                    db, sql: "SELECT registrationID, sealedPrivateKey FROM signalLocalIdentity WHERE device = ?",
                    arguments: [device]
                ).map { (registrationID: $0["registrationID"] as UInt32, sealedPrivateKey: $0["sealedPrivateKey"] as Data) }
            }
            guard let row else { throw StoreError.notFound("the Signal identity of device \(device)") }
            // The public half is derived rather than stored, so it cannot disagree with the private one.
            let keyPair = try Curve25519KeyPair(privateKey: Array(open(row.sealedPrivateKey, table: Table.localIdentity, key: "")))
            return SignalDeviceCache.LocalIdentity(keyPair: keyPair, registrationID: row.registrationID)
        }
    }

    /// The opened `sealedRecord` of this device's row in `table` matching `condition`, or nil.
    private func sealedRecord(
        in table: String, key: String, where condition: String, _ arguments: StatementArguments
    ) async throws -> [UInt8]? {
        let sealed = try await database.pool.unsafeRead { [device] db in
            try Data.fetchOne(
                db.cachedStatement(sql: "SELECT sealedRecord FROM \(table) WHERE device = ? AND \(condition)"),
                arguments: [device] + arguments)
        }
        return try sealed.map { Array(try open($0, table: table, key: key)) }
    }

    private func seal(_ plaintext: [UInt8], table: String, key: String) throws -> Data {
        try database.secrets.seal(plaintext, context: context(table: table, key: key))
    }

    private func open(_ sealed: Data, table: String, key: String) throws -> Data {
        try database.secrets.open(sealed, context: context(table: table, key: key))
    }

    private func context(table: String, key: String) -> String { Self.context(table: table, device: device, key: key) }

    // Names the slot a value was sealed for: moved to another table, device or key, it does not open.
    private static func context(table: String, device: String, key: String) -> String {
        "\(table)\u{0}\(device)\u{0}\(key)"
    }

    private static func key(_ name: SenderKeyName) -> String { "\(name.groupID)\u{0}\(name.sender)" }
}
