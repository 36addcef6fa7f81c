import WACrypto
import WASignal

/// The virtual phone as a Signal party: its identity is the account key (PhoneSecrets), its
/// prekeys are the ones the sandbox publishes for device 0, and its sessions live in the
/// `PhoneStore`. Trust is whatsmeow's: the first identity seen for an address is kept.
struct PhoneSignalStore: SignalProtocolStore {
    let phone: String
    let keys: PublishedKeys
    let secrets: PhoneSecrets
    let state: PhoneStore

    init(account: VirtualAccount, state: PhoneStore) {
        phone = account.phone
        keys = account.phoneKeys
        secrets = account.phoneSecrets
        self.state = state
    }

    func localIdentity() async throws -> Curve25519KeyPair {
        try secrets.identity()
    }

    func localRegistrationID() async throws -> UInt32 {
        keys.registrationID
    }

    func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) async throws -> Bool {
        guard let known = await state.identity(of: phone, for: address) else { return true }
        return known == identity.bytes
    }

    /// A one-time prekey the phone generated and no session consumed yet (one handed out by a
    /// key fetch stays usable until a session starts with it).
    func preKey(id: UInt32) async throws -> PreKeyRecord? {
        guard let secret = secrets.preKeys.first(where: { $0.id == id }),
            await !state.isConsumed(preKey: id, of: phone)
        else { return nil }
        return PreKeyRecord(id: id, keyPair: try Curve25519KeyPair(privateKey: Array(secret.privateKey)))
    }

    func signedPreKey(id: UInt32) async throws -> SignedPreKeyRecord? {
        guard id == keys.signedPreKey.id else { return nil }
        return SignedPreKeyRecord(
            id: id, keyPair: try Curve25519KeyPair(privateKey: Array(secrets.signedPreKeyPrivateKey)),
            signature: Array(keys.signedPreKey.signature))
    }

    func session(for address: SignalAddress) async throws -> SessionRecord? {
        try await state.session(of: phone, with: address)
    }

    func commit(_ commit: SessionCommit) async throws {
        try await state.commit(commit, of: phone)
    }
}
