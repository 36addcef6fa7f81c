import WACrypto
import WASignal

/// A test device's Signal state in memory: its registered identity and signed prekey, the
/// one-time prekeys it uploaded, and trust-on-first-use for peers.
actor TestSignalStore: SignalProtocolStore {
    private let identity: Curve25519KeyPair
    private let signed: SignedPreKeyRecord
    private var preKeys: [UInt32: PreKeyRecord] = [:]
    private var sessions: [SignalAddress: SessionRecord] = [:]
    private var identities: [SignalAddress: Curve25519PublicKey] = [:]

    /// The keys `device` registers with (`TestDevice.registration`, `linkedDevice`).
    init(_ device: TestDevice) throws {
        identity = device.identityKey
        signed = SignedPreKeyRecord(
            id: 1, keyPair: device.signedPreKey,
            signature: try XEdDSA.sign(privateKey: device.identityKey.privateKey, message: device.signedPreKey.publicKey.serialized))
    }

    static let registrationID: UInt32 = 1234

    /// Keeps one-time prekeys the device uploads.
    func add(_ records: [PreKeyRecord]) {
        for record in records { preKeys[record.id] = record }
    }

    func localIdentity() -> Curve25519KeyPair { identity }

    func localRegistrationID() -> UInt32 { Self.registrationID }

    func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) -> Bool {
        identities[address].map { $0 == identity } ?? true
    }

    func preKey(id: UInt32) -> PreKeyRecord? { preKeys[id] }

    func signedPreKey(id: UInt32) -> SignedPreKeyRecord? { id == signed.id ? signed : nil }

    func session(for address: SignalAddress) -> SessionRecord? { sessions[address] }

    func commit(_ commit: SessionCommit) {
        sessions[commit.address] = commit.record
        identities[commit.address] = commit.remoteIdentity
        if let consumed = commit.consumedPreKeyID { preKeys[consumed] = nil }
    }
}
