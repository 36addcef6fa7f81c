import WACrypto

/// A buffered view of the Signal stores for one unit of work: reads see this transaction's own
/// writes first, then `pending` (earlier transactions' writes not stored yet, see
/// `SignalGroupCommit`), then `base`; writes stay in `writes` until the owner persists them all
/// at once (`SignalStore.commit(_:)` of the gateway's store). Until then nothing is stored, so a
/// crash leaves every ratchet, prekey and sender key as it was, and a message delivered again
/// decrypts again. Use one transaction at a time per base store (the client's Signal lock), so
/// no two transactions read the same state and both write it.
public actor SignalTransaction: SignalIdentityStore, SignalPreKeyStore, SignalSessionStore, SignalSenderKeyStore {
    private let base: any SignalProtocolStore & SignalSenderKeyStore
    private let pending: SignalWriteBatch
    /// What this transaction wrote so far.
    public private(set) var writes = SignalWriteBatch()

    public init(over base: any SignalProtocolStore & SignalSenderKeyStore, pending: SignalWriteBatch = SignalWriteBatch()) {
        self.base = base
        self.pending = pending
    }

    public func localIdentity() async throws -> Curve25519KeyPair {
        try await base.localIdentity()
    }

    public func localRegistrationID() async throws -> UInt32 {
        try await base.localRegistrationID()
    }

    /// Judged against the identity this transaction wrote for `address`, if any, as the store
    /// would judge it once the transaction is committed.
    public func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) async throws -> Bool {
        if let written = (writes.sessions[address] ?? pending.sessions[address])?.remoteIdentity {
            return written == identity
        }
        return try await base.isTrustedIdentity(identity, for: address)
    }

    /// Nil for a prekey this transaction consumed already.
    public func preKey(id: UInt32) async throws -> PreKeyRecord? {
        guard !writes.consumedPreKeyIDs.contains(id), !pending.consumedPreKeyIDs.contains(id) else { return nil }
        return try await base.preKey(id: id)
    }

    public func signedPreKey(id: UInt32) async throws -> SignedPreKeyRecord? {
        try await base.signedPreKey(id: id)
    }

    public func session(for address: SignalAddress) async throws -> SessionRecord? {
        if let written = writes.sessions[address] ?? pending.sessions[address] { return written.record }
        return try await base.session(for: address)
    }

    /// Buffers `commit`; nothing is stored.
    public func commit(_ commit: SessionCommit) {
        writes.add(commit)
    }

    public func senderKey(for name: SenderKeyName) async throws -> SenderKeyRecord? {
        if let written = writes.senderKeys[name] ?? pending.senderKeys[name] { return written }
        return try await base.senderKey(for: name)
    }

    /// Buffers `record`; nothing is stored.
    public func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) {
        writes.add(record, for: name)
    }
}
