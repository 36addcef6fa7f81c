import WABinary
import WACrypto
import WAMessaging
import WASignal

/// A virtual phone as a group party: its 1:1 Signal state (`PhoneSignalStore`) plus the
/// sender keys and key holders it keeps in the same `PhoneStore`.
struct GroupPhoneSignalStore: SignalProtocolStore, SignalSenderKeyStore, SenderKeyHolderStore {
    let sessions: PhoneSignalStore

    var phone: String { sessions.phone }

    func localIdentity() async throws -> Curve25519KeyPair { try await sessions.localIdentity() }

    func localRegistrationID() async throws -> UInt32 { try await sessions.localRegistrationID() }

    func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) async throws -> Bool {
        try await sessions.isTrustedIdentity(identity, for: address)
    }

    func preKey(id: UInt32) async throws -> PreKeyRecord? { try await sessions.preKey(id: id) }

    func signedPreKey(id: UInt32) async throws -> SignedPreKeyRecord? { try await sessions.signedPreKey(id: id) }

    func session(for address: SignalAddress) async throws -> SessionRecord? { try await sessions.session(for: address) }

    func commit(_ commit: SessionCommit) async throws { try await sessions.commit(commit) }

    func senderKey(for name: SenderKeyName) async throws -> SenderKeyRecord? {
        try await sessions.state.senderKey(of: phone, for: name)
    }

    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) async throws {
        try await sessions.state.storeSenderKey(record, for: name, of: phone)
    }

    func holders(of group: JID) async throws -> Set<JID> { await sessions.state.holders(of: group, phone: phone) }

    func addHolders(_ devices: [JID], of group: JID) async throws {
        try await sessions.state.addHolders(devices, of: group, phone: phone)
    }

    func forgetHolders(of group: JID) async throws { try await sessions.state.forgetHolders(of: group, phone: phone) }
}
