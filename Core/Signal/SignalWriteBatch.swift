import WACrypto

/// Every Signal store write of one unit of work (decrypting one message, or encrypting one
/// message for all its devices), to be persisted in one transaction. Later writes to the same
/// session or sender key replace earlier ones; consumed prekeys accumulate.
public struct SignalWriteBatch: Sendable {
    /// A session's newest record and the peer identity to remember with it.
    public struct SessionWrite: Sendable {
        public let record: SessionRecord
        public let remoteIdentity: Curve25519PublicKey
    }

    public private(set) var sessions: [SignalAddress: SessionWrite] = [:]
    /// One-time prekeys that PreKeySignalMessages consumed, to delete.
    public private(set) var consumedPreKeyIDs: Set<UInt32> = []
    public private(set) var senderKeys: [SenderKeyName: SenderKeyRecord] = [:]

    public init() {}

    /// A batch of one session commit.
    public init(_ commit: SessionCommit) {
        add(commit)
    }

    /// A batch of one sender-key record.
    public init(_ record: SenderKeyRecord, for name: SenderKeyName) {
        add(record, for: name)
    }

    public var isEmpty: Bool { sessions.isEmpty && consumedPreKeyIDs.isEmpty && senderKeys.isEmpty }

    public mutating func add(_ commit: SessionCommit) {
        sessions[commit.address] = SessionWrite(record: commit.record, remoteIdentity: commit.remoteIdentity)
        if let id = commit.consumedPreKeyID { consumedPreKeyIDs.insert(id) }
    }

    public mutating func add(_ record: SenderKeyRecord, for name: SenderKeyName) {
        senderKeys[name] = record
    }

    /// Adds every write of `later`, a batch made after this one: its sessions and sender keys
    /// replace ours, its consumed prekeys join ours.
    public mutating func add(_ later: SignalWriteBatch) {
        sessions.merge(later.sessions) { _, newer in newer }
        consumedPreKeyIDs.formUnion(later.consumedPreKeyIDs)
        senderKeys.merge(later.senderKeys) { _, newer in newer }
    }
}
