import Testing
import WABinary
import WACrypto
import WAMessaging
import WAProto
import WASignal

/// The `<message>` stanza of a group message in each addressing, as whatsmeow's `SendMessage`
/// builds it (`prepareMessageNode`): a LID-addressed group's carries `addressing_mode=lid`, a
/// phone-number group's none; `phash` does not depend on it.
@Suite("LID group stanzas")
struct LIDGroupStanzaTests {
    let group = JID(user: "120363000000000009", server: JID.groupServer)
    let sender = JID(user: "201234567890123", server: JID.lidServer, device: 2)
    /// A member's device that holds our sender key already: the stanza needs no 1:1 session.
    let member = JID(user: "201234567890124", server: JID.lidServer)

    @Test("addressing_mode=lid only on a LID-addressed group's message", arguments: ["lid", "pn", ""])
    func addressingMode(mode: String) async throws {
        var message = WAE2E_Message()
        message.conversation = "oi"
        let encryptor = GroupMessageEncryptor(
            store: DeviceStores(sessions: try TestSignalStore(TestDevice()), senderKeys: TestSenderKeyStore()),
            fetchBundles: { devices in throw MessagingError.noBundle(devices.map(\.description).joined(separator: ",")) })
        let built = try await encryptor.stanza(
            for: message, id: "3EB0000000000000000001", group: group, sender: sender, participantDevices: [sender, member],
            holders: [member], deviceIdentity: nil, addressingMode: mode)
        #expect(built.node["addressing_mode"]?.description == (mode == "lid" ? "lid" : nil))
        #expect(built.node["phash"]?.description == ParticipantHash.of([sender, member]))
        #expect(built.node["to"]?.jid == group)
        #expect(built.node.child(tagged: "enc")?["type"]?.description == "skmsg")
        #expect(built.distributedTo.isEmpty)
    }

    /// A device's 1:1 Signal state and its sender keys as the one store the encryptor takes.
    struct DeviceStores: SignalProtocolStore, SignalSenderKeyStore {
        let sessions: TestSignalStore
        let senderKeys: TestSenderKeyStore

        func localIdentity() async throws -> Curve25519KeyPair { await sessions.localIdentity() }
        func localRegistrationID() async throws -> UInt32 { await sessions.localRegistrationID() }
        func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) async throws -> Bool {
            await sessions.isTrustedIdentity(identity, for: address)
        }
        func preKey(id: UInt32) async throws -> PreKeyRecord? { await sessions.preKey(id: id) }
        func signedPreKey(id: UInt32) async throws -> SignedPreKeyRecord? { await sessions.signedPreKey(id: id) }
        func session(for address: SignalAddress) async throws -> SessionRecord? { await sessions.session(for: address) }
        func commit(_ commit: SessionCommit) async throws { await sessions.commit(commit) }
        func senderKey(for name: SenderKeyName) async throws -> SenderKeyRecord? { await senderKeys.senderKey(for: name) }
        func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) async throws {
            await senderKeys.storeSenderKey(record, for: name)
        }
    }
}
