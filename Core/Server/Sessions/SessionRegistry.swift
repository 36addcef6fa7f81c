import Foundation
import Synchronization
import WagoStore

/// The sessions of this gateway, kept in memory for authentication on every request and
/// written through to the store.
public final class SessionRegistry: Sendable {
    private let store: SessionStore
    private let secrets: SecretBox
    /// Keyed by the token's keyed index, so a lookup never compares against every token.
    private let byTokenIndex: Mutex<[Data: SessionRecord]>

    init(store: SessionStore, secrets: SecretBox) throws {
        self.store = store
        self.secrets = secrets
        let records = try store.all()
        byTokenIndex = Mutex(Dictionary(uniqueKeysWithValues: records.map { (secrets.index(of: $0.token), $0) }))
    }

    /// The session whose token is `token`, compared in constant time.
    func authenticate(token: String) -> SessionRecord? {
        let index = secrets.index(of: token)
        guard let record = byTokenIndex.withLock({ $0[index] }) else { return nil }
        return constantTimeEquals(record.token, token) ? record : nil
    }

    func session(id: String) -> SessionRecord? {
        byTokenIndex.withLock { $0.values.first { $0.id == id } }
    }

    /// Every session, oldest first.
    var all: [SessionRecord] {
        byTokenIndex.withLock { Array($0.values) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func create(_ record: SessionRecord) throws {
        try byTokenIndex.withLock { sessions in
            // Under the lock, so two concurrent inits of one token cannot both pass the check.
            try store.insert(record)
            sessions[secrets.index(of: record.token)] = record
        }
    }

    func delete(_ record: SessionRecord) throws {
        try byTokenIndex.withLock { sessions in
            try store.delete(id: record.id)
            sessions[secrets.index(of: record.token)] = nil
        }
    }

    /// Applies `change` to the stored and the cached record.
    func update(_ record: SessionRecord, _ change: (SessionStore, inout SessionRecord) throws -> Void) throws
        -> SessionRecord
    {
        try byTokenIndex.withLock { sessions in
            let index = secrets.index(of: record.token)
            guard var current = sessions[index] else { throw APIError.notFound("session not found") }
            try change(store, &current)
            sessions[index] = current
            return current
        }
    }
}
