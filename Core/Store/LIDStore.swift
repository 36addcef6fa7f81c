import Foundation
import GRDB
import Synchronization

/// Which LID user goes with which phone number, as a session learned it (whatsmeow's
/// `store.LIDStore`): from usync answers, message stanzas and history sync. Sends to a phone
/// number go to its LID when one is known. One LID per phone number and one phone number per
/// LID: a new mapping replaces whatever either side had.
///
/// Both sides are personal data, so rows hold them sealed, found by keyed indexes; lookups are
/// kept in memory once read, as sends ask for them every time.
public final class LIDStore: Sendable {
    private let database: WagoDatabase
    /// The session whose mappings these are.
    private let device: String
    private let cache = Mutex(Cache())
    /// How long a phone number the server gave no LID for is not asked about again.
    private let noLIDLifetime: Duration

    private struct Cache {
        var lidByPhone: [String: String] = [:]
        var phoneByLID: [String: String] = [:]
        /// Phone numbers the server had no LID for, until when that answer holds (in memory
        /// only: a restart asks again).
        var noLIDUntil: [String: ContinuousClock.Instant] = [:]
        /// Phone numbers with no stored mapping, as `lids(forPhones:)` last read them, so that
        /// sends to them read no row each time; a mapping put for one ends its entry. (This
        /// store is its device's only writer of mappings, as `WhatsAppClient` has one.)
        var unmapped = BoundedCache<String, Void>(capacity: LIDStore.unmappedCapacity)
        /// Counts `put`s, so that a read can tell whether one ran meanwhile.
        var puts: UInt64 = 0
    }

    /// How many phone numbers without a stored mapping are remembered at most.
    static let unmappedCapacity = 1 << 16

    /// - Parameter noLIDLifetime: how long "this number has no LID" is believed (an hour by
    ///   default: accounts get LIDs rarely, and any mapping learned meanwhile ends it at once).
    public init(database: WagoDatabase, device: String, noLIDLifetime: Duration = .seconds(3600)) {
        self.database = database
        self.device = device
        self.noLIDLifetime = noLIDLifetime
    }

    /// The LID user of `phone`: stored, else what `lookUp` (the server) answers, which is
    /// stored. A number `lookUp` found no LID for is not looked up again for `noLIDLifetime`,
    /// unless a mapping for it is put meanwhile, so that sends to it do not ask every time.
    public func lid(
        forPhone phone: String, lookingUp lookUp: @Sendable (String) async throws -> String?
    ) async throws -> String? {
        if let lid = try await lid(forPhone: phone) { return lid }
        let now = ContinuousClock.now
        let known = cache.withLock { cache in
            guard let until = cache.noLIDUntil[phone] else { return false }
            if until > now { return true }
            cache.noLIDUntil[phone] = nil
            return false
        }
        if known { return nil }
        guard let lid = try await lookUp(phone) else {
            cache.withLock { $0.noLIDUntil[phone] = now.advanced(by: noLIDLifetime) }
            return nil
        }
        try put(phone: phone, lid: lid)
        return lid
    }

    /// The LID user of phone number `phone` (user parts, digits only), nil when unknown.
    public func lid(forPhone phone: String) async throws -> String? {
        if let cached = cache.withLock({ $0.lidByPhone[phone] }) { return cached }
        return try await lids(forPhones: [phone])[phone]
    }

    /// The phone number of LID user `lid`, nil when unknown: cached, else read.
    public func phone(forLID lid: String) async throws -> String? {
        if let cached = cache.withLock({ $0.phoneByLID[lid] }) { return cached }
        let sealed = try await database.pool.unsafeRead { [device, secrets = database.secrets] db in
            try Data.fetchOne(
                db.cachedStatement(sql: "SELECT sealedPN FROM lidMapping WHERE device = ? AND lidIndex = ?"),
                arguments: [device, secrets.index(of: Self.indexed(.lid, lid, device: device))])
        }
        guard let sealed else { return nil }
        let phone = try open(sealed, side: .phone, other: lid)
        remember(phone: phone, lid: lid)
        return phone
    }

    /// The LID users of those of `phones` that have one stored (whatsmeow's
    /// `GetManyLIDsForPNs`): cached ones, the others read in one query, as a send asks for
    /// every phone-number member of a group at once. Numbers the query found no mapping for
    /// are not read again until one is put, so that sends to them read nothing.
    public func lids(forPhones phones: [String]) async throws -> [String: String] {
        var found: [String: String] = [:]
        var uncached: Set<String> = []
        // Taken with the lookup: a mapping put while the query runs makes its misses stale.
        let puts = cache.withLock { cache in
            for phone in phones {
                if let lid = cache.lidByPhone[phone] {
                    found[phone] = lid
                } else if cache.unmapped.value(for: phone) == nil {
                    uncached.insert(phone)
                }
            }
            return cache.puts
        }
        guard !uncached.isEmpty else { return found }
        let secrets = database.secrets
        let phoneByIndex = Dictionary(
            uncached.map { (secrets.index(of: Self.indexed(.phone, $0, device: device)), $0) },
            uniquingKeysWith: { first, _ in first })
        var arguments: StatementArguments = [device]
        arguments += StatementArguments(Array(phoneByIndex.keys))
        let sql = """
            SELECT pnIndex, sealedLID FROM lidMapping
            WHERE device = ? AND pnIndex IN (\(databaseQuestionMarks(count: phoneByIndex.count)))
            """
        // Sendable pairs, not rows: the read must be the pool's async one (see WagoDatabase).
        // One statement, so it needs no transaction of its own to read one state.
        let rows = try await database.pool.unsafeRead { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0["pnIndex"] as Data, $0["sealedLID"] as Data) }
        }
        for (pnIndex, sealedLID) in rows {
            guard let phone = phoneByIndex[pnIndex] else { continue }
            let lid = try open(sealedLID, side: .lid, other: phone)
            remember(phone: phone, lid: lid)
            found[phone] = lid
        }
        cache.withLock { cache in
            guard cache.puts == puts else { return }
            for phone in uncached where found[phone] == nil { cache.unmapped.set((), for: phone) }
        }
        return found
    }

    /// Records that `phone` and `lid` are one account; mappings already known are not written again.
    public func put(phone: String, lid: String) throws {
        try put([(phone, lid)])
    }

    /// Records several mappings in one transaction.
    public func put(_ mappings: [(phone: String, lid: String)]) throws {
        let new = mappings.filter { mapping in
            !mapping.phone.isEmpty && !mapping.lid.isEmpty
                && cache.withLock { $0.lidByPhone[mapping.phone] != mapping.lid }
        }
        guard !new.isEmpty else { return }
        let secrets = database.secrets
        let rows = try new.map { phone, lid in
            (
                pnIndex: secrets.index(of: Self.indexed(.phone, phone, device: device)),
                lidIndex: secrets.index(of: Self.indexed(.lid, lid, device: device)),
                sealedPN: try secrets.seal(Data(phone.utf8), context: Self.context(.phone, other: lid, device: device)),
                sealedLID: try secrets.seal(Data(lid.utf8), context: Self.context(.lid, other: phone, device: device))
            )
        }
        try database.pool.write { [device] db in
            for row in rows {
                try db.execute(
                    sql: "DELETE FROM lidMapping WHERE device = ? AND (pnIndex = ? OR lidIndex = ?)",
                    arguments: [device, row.pnIndex, row.lidIndex])
                try db.execute(
                    sql: "INSERT INTO lidMapping (device, pnIndex, lidIndex, sealedPN, sealedLID) VALUES (?, ?, ?, ?, ?)",
                    arguments: [device, row.pnIndex, row.lidIndex, row.sealedPN, row.sealedLID])
            }
        }
        cache.withLock { $0.puts &+= 1 }
        for (phone, lid) in new { remember(phone: phone, lid: lid) }
    }

    /// Deletes every mapping of `device` inside the caller's transaction (the session's wipe).
    static func deleteAll(device: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM lidMapping WHERE device = ?", arguments: [device])
    }

    // MARK: Cache and sealing

    private func remember(phone: String, lid: String) {
        cache.withLock { cache in
            cache.noLIDUntil[phone] = nil
            cache.unmapped.remove(phone)
            if let oldLID = cache.lidByPhone[phone] { cache.phoneByLID[oldLID] = nil }
            if let oldPhone = cache.phoneByLID[lid] { cache.lidByPhone[oldPhone] = nil }
            cache.lidByPhone[phone] = lid
            cache.phoneByLID[lid] = phone
        }
    }

    private enum Side: String {
        case phone = "pn"
        case lid
    }

    private func open(_ sealed: Data, side: Side, other: String) throws -> String {
        let plain = try database.secrets.open(sealed, context: Self.context(side, other: other, device: device))
        guard let value = String(data: plain, encoding: .utf8) else { throw StoreError.corrupt("a LID mapping is not text") }
        return value
    }

    /// What a side's index digests: the side and the session too, so equal values elsewhere
    /// give other indexes.
    private static func indexed(_ side: Side, _ value: String, device: String) -> String {
        "lidMapping.\(side.rawValue)\u{0}\(device)\u{0}\(value)"
    }

    /// Binds a sealed side to its row: it opens only next to the other side it was stored with.
    private static func context(_ side: Side, other: String, device: String) -> String {
        "lidMapping.\(side.rawValue)\u{0}\(device)\u{0}\(other)"
    }
}
