import Synchronization
import WACrypto
import WASignal

/// One device's Signal state as last read from or committed to the database, decoded and
/// opened, so that encrypting or decrypting a message reads no row and opens no sealed value
/// (a send used to read and open the session and peer identity of every recipient device and
/// our own identity, whose public half it derived again each time). In memory only: rows stay
/// sealed at rest.
///
/// Correct as long as every write of the device's rows goes through `SignalStore` (or
/// `SignalStore.deleteAll(device:in:cache:)`) on the same `WagoDatabase`: the gateway process
/// is the only writer of its database. Writes update the cache when their transaction commits,
/// in commit order. A read that missed fills the cache only if no write committed since it
/// began, so a value read before a commit never replaces the committed one.
final class SignalDeviceCache: Sendable {
    /// Our identity key pair and registration id, fixed once the device registered.
    struct LocalIdentity: Sendable {
        let keyPair: Curve25519KeyPair
        let registrationID: UInt32
    }

    /// What is kept; nil values record rows known to be absent.
    struct Entries {
        var localIdentity: LocalIdentity?
        var sessions: BoundedCache<SignalAddress, WASignal.SessionRecord?>
        /// Peers' identity keys, as stored.
        var identities: BoundedCache<SignalAddress, [UInt8]?>
        var senderKeys: BoundedCache<SenderKeyName, SenderKeyRecord?>
        /// Devices holding our sender key, by group.
        var senderKeyHolders: BoundedCache<String, Set<String>>

        init(capacity: Int) {
            sessions = BoundedCache(capacity: capacity)
            identities = BoundedCache(capacity: capacity)
            senderKeys = BoundedCache(capacity: capacity)
            senderKeyHolders = BoundedCache(capacity: capacity)
        }
    }

    private struct State {
        var entries: Entries
        /// Counts committed writes, so that a read can tell whether one committed while it ran.
        var generation: UInt64 = 0
    }

    private let state: Mutex<State>

    /// - Parameter capacity: how many sessions, peer identities, sender keys and holder sets
    ///   (each) are kept at most; the least recently used are read again when needed.
    init(capacity: Int) {
        state = Mutex(State(entries: Entries(capacity: capacity)))
    }

    /// The value `cached` finds, or else the one `load` reads, kept by `remember` unless a
    /// write committed while `load` ran.
    func readThrough<Value: Sendable>(
        cached: @Sendable (inout Entries) -> Value?, remember: @Sendable (inout Entries, Value) -> Void,
        load: () async throws -> Value
    ) async throws -> Value {
        let (hit, generation) = state.withLock { state in (cached(&state.entries), state.generation) }
        if let hit { return hit }
        let value = try await load()
        state.withLock { state in
            if state.generation == generation { remember(&state.entries, value) }
        }
        return value
    }

    /// `readThrough` for a keyed kind of entries.
    func readThrough<Key: Sendable, Value: Sendable>(
        _ kind: any WritableKeyPath<Entries, BoundedCache<Key, Value>> & Sendable, key: Key, load: () async throws -> Value
    ) async throws -> Value {
        try await readThrough(
            cached: { $0[keyPath: kind].value(for: key) }, remember: { $0[keyPath: kind].set($1, for: key) }, load: load)
    }

    /// What a committed write changes in the entries.
    typealias Write = @Sendable (inout Entries) -> Void

    /// The stored identity of the peer at `address` when it is kept (asked on the writer's
    /// queue, where every earlier commit has updated the cache), else nil.
    func storedIdentity(for address: SignalAddress) -> [UInt8]? {
        state.withLock { $0.entries.identities.value(for: address) ?? nil }
    }

    /// Applies a committed write (called in commit order, right after the transaction's commit).
    func committed(_ write: Write) {
        state.withLock { state in
            state.generation &+= 1
            write(&state.entries)
        }
    }

    /// Forgets everything (the device's rows were all deleted).
    func removeAll() {
        committed { entries in entries = Entries(capacity: entries.sessions.capacity) }
    }

    /// How many entries of each kind are kept (for tests of the bound).
    var counts: (sessions: Int, identities: Int, senderKeys: Int, senderKeyHolders: Int) {
        state.withLock { state in
            let entries = state.entries
            return (entries.sessions.count, entries.identities.count, entries.senderKeys.count, entries.senderKeyHolders.count)
        }
    }
}
