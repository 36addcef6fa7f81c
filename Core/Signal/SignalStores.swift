import WACrypto

/// Our own long-term identity and the trust decisions about peers' identities.
public protocol SignalIdentityStore: Sendable {
    /// Our identity key pair.
    func localIdentity() async throws -> Curve25519KeyPair
    /// Our registration id.
    func localRegistrationID() async throws -> UInt32
    /// Whether `identity` may be used for `address`. whatsmeow's policy is trust-on-first-use:
    /// unknown or equal keys are trusted, a changed key is not (the caller may then clear the
    /// stored identity and session and retry).
    func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) async throws -> Bool
}

/// Our one-time and signed prekeys.
public protocol SignalPreKeyStore: Sendable {
    /// The unused one-time prekey with this id, or nil (consumed ones are deleted by `commit`).
    func preKey(id: UInt32) async throws -> PreKeyRecord?
    /// The signed prekey with this id (keep the previous one for a while after rotating).
    func signedPreKey(id: UInt32) async throws -> SignedPreKeyRecord?
}

/// The result of one session operation, to be persisted all at once.
public struct SessionCommit: Sendable {
    /// Whose session this is.
    public let address: SignalAddress
    /// The new record, replacing the stored one.
    public let record: SessionRecord
    /// The peer identity to remember for `address`.
    public let remoteIdentity: Curve25519PublicKey
    /// A one-time prekey a PreKeySignalMessage consumed, to delete.
    public let consumedPreKeyID: UInt32?

    public init(address: SignalAddress, record: SessionRecord, remoteIdentity: Curve25519PublicKey, consumedPreKeyID: UInt32?) {
        self.address = address
        self.record = record
        self.remoteIdentity = remoteIdentity
        self.consumedPreKeyID = consumedPreKeyID
    }
}

/// 1:1 session records.
public protocol SignalSessionStore: Sendable {
    /// The stored record, or nil when there is none.
    func session(for address: SignalAddress) async throws -> SessionRecord?
    /// Persists `commit` atomically (one transaction): the record, the identity and the prekey
    /// removal either all happen or none do, so a crash cannot leave an advanced ratchet unsaved
    /// or a consumed prekey undeleted.
    func commit(_ commit: SessionCommit) async throws
}

/// Group sender-key records, one per (group, sender device).
public protocol SignalSenderKeyStore: Sendable {
    /// The stored record, or nil when there is none.
    func senderKey(for name: SenderKeyName) async throws -> SenderKeyRecord?
    /// Replaces the record atomically.
    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) async throws
}

/// Everything a `SessionCipher` needs.
public typealias SignalProtocolStore = SignalIdentityStore & SignalPreKeyStore & SignalSessionStore
