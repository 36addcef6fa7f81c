import Foundation
import Synchronization
import WagoStore

/// The sessions of this gateway, kept in memory for authentication on every request and
/// written through to the store.
public final class SessionRegistry: Sendable {
    /// The cached records, found by id (plugins, the webhook outbox per event) and by the
    /// token's keyed index (authentication), so no lookup walks every session.
    private struct Index {
        var byID: [String: SessionRecord] = [:]
        var idByTokenIndex: [Data: String] = [:]

        mutating func insert(_ record: SessionRecord, tokenIndex: Data) {
            byID[record.id] = record
            idByTokenIndex[tokenIndex] = record.id
        }

        mutating func remove(_ record: SessionRecord, tokenIndex: Data) {
            byID[record.id] = nil
            idByTokenIndex[tokenIndex] = nil
        }
    }

    private let store: SessionStore
    private let secrets: SecretBox
    private let index: Mutex<Index>

    init(store: SessionStore, secrets: SecretBox) throws {
        self.store = store
        self.secrets = secrets
        var index = Index()
        for record in try store.all() {
            index.insert(record, tokenIndex: secrets.index(of: record.token))
        }
        self.index = Mutex(index)
    }

    /// The session whose token is `token`, compared in constant time.
    func authenticate(token: String) -> SessionRecord? {
        let tokenIndex = secrets.index(of: token)
        let found = index.withLock { index in index.idByTokenIndex[tokenIndex].flatMap { index.byID[$0] } }
        guard let record = found else { return nil }
        return constantTimeEquals(record.token, token) ? record : nil
    }

    func session(id: String) -> SessionRecord? {
        index.withLock { $0.byID[id] }
    }

    /// Every session, oldest first.
    var all: [SessionRecord] {
        index.withLock { Array($0.byID.values) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func create(_ record: SessionRecord) throws {
        try index.withLock { index in
            // Under the lock, so two concurrent inits of one token cannot both pass the check.
            try store.insert(record)
            index.insert(record, tokenIndex: secrets.index(of: record.token))
        }
    }

    func delete(_ record: SessionRecord) throws {
        try index.withLock { index in
            try store.delete(id: record.id)
            index.remove(record, tokenIndex: secrets.index(of: record.token))
        }
    }

    /// Applies `change` to the stored and the cached record.
    func update(_ record: SessionRecord, _ change: (SessionStore, inout SessionRecord) throws -> Void) throws
        -> SessionRecord
    {
        try index.withLock { index in
            guard var current = index.byID[record.id] else { throw APIError.notFound("session not found") }
            try change(store, &current)
            index.byID[record.id] = current
            return current
        }
    }
}
