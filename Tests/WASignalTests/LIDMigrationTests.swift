import Testing
import WACrypto
import WASignal
import WagoStore

/// A peer's Signal state moving from its phone-number addresses to its LID ones (whatsmeow's
/// `MigratePNToLID`): every device's session with its identity, and its sender keys.
@Suite struct LIDMigrationTests {
    @Test("sessions, identities and sender keys of every device move to the LID, and the session goes on")
    func movesToLID() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let store = alice.store
        // Bob (222) has a second device, 3, and a sender key of his in a group; 2222 is someone else.
        let session = try #require(try await store.session(for: bob.address))
        let identity = try #require(session.remoteIdentity)
        for name in ["222", "2222"] {
            try await store.commit(
                SessionCommit(
                    address: SignalAddress(name: name, deviceID: name == "222" ? 3 : 0), record: session,
                    remoteIdentity: identity, consumedPreKeyID: nil))
        }
        let group = "120363000000000001@g.us"
        _ = try await GroupCipher(store: store, name: SenderKeyName(groupID: group, sender: bob.address)).distributionMessage()

        let migration = SignalLIDMigration(database: alice.database, device: StoredParty.device)
        #expect(migration.isPending("222"))
        let moved = try await migration.migrate(from: "222", to: "555_1")
        #expect(moved.sessions == 2)
        #expect(moved.senderKeys == 1)
        #expect(!migration.isPending("222"))
        #expect(try await migration.migrate(from: "222", to: "555_1").sessions == 0, "once per process")

        // As stored (a restart reads past every cache).
        try alice.restart()
        let after = alice.store
        let lidDevices = [0, 3].map { SignalAddress(name: "555_1", deviceID: $0) }
        for device in lidDevices { #expect(try await after.session(for: device)?.hasSession == true) }
        for device in [bob.address, SignalAddress(name: "222", deviceID: 3)] {
            #expect(try await after.session(for: device) == nil)
        }
        #expect(try await after.session(for: SignalAddress(name: "2222", deviceID: 0))?.hasSession == true)
        #expect(try await after.isTrustedIdentity(identity, for: lidDevices[0]))
        #expect(try await !after.isTrustedIdentity(Curve25519KeyPair.generate().publicKey, for: lidDevices[0]))
        #expect(try await after.senderKey(for: SenderKeyName(groupID: group, sender: lidDevices[0])) != nil)

        // The moved session is the same conversation: Bob reads what Alice writes on it.
        let padded = MessagePadding.pad(Array("pelo LID".utf8), randomByte: 3)
        let message = try await SessionCipher(store: after, address: lidDevices[0]).encrypt(padded)
        #expect(try await bob.cipher(for: alice).decrypt(message) == padded)
    }

    @Test("when our own number moves, our phone's sender key goes to the LID and this device's own stays")
    func ownNumberKeepsOwnSenderKey() async throws {
        let (alice, _) = try await StoredParty.linkedPair()
        let store = alice.store
        let group = "120363000000000002@g.us"
        // Our number is 111: device 0 (our phone) gave us its key; device 4 (this one) has its own.
        let (phone, own) = (SignalAddress(name: "111", deviceID: 0), SignalAddress(name: "111", deviceID: 4))
        var keys: [SignalAddress: SenderKeyDistributionMessage] = [:]
        for sender in [phone, own] {
            keys[sender] = try await GroupCipher(store: store, name: SenderKeyName(groupID: group, sender: sender))
                .distributionMessage()
        }

        let migration = SignalLIDMigration(database: alice.database, device: StoredParty.device)
        let moved = try await migration.migrate(from: "111", to: "777_1", keeping: own)
        #expect(moved.senderKeys == 1)
        try alice.restart()
        let after = alice.store
        let movedKey = SenderKeyName(groupID: group, sender: SignalAddress(name: "777_1", deviceID: 0))
        #expect(try await after.senderKey(for: movedKey)?.isEmpty == false)
        #expect(try await after.senderKey(for: SenderKeyName(groupID: group, sender: phone))?.isEmpty != false)
        let ownAsLID = SenderKeyName(groupID: group, sender: SignalAddress(name: "777_1", deviceID: 4))
        #expect(try await after.senderKey(for: ownAsLID) == nil)
        // Our own key is the one we had: the same distribution message.
        let ownAfter = try await GroupCipher(store: after, name: SenderKeyName(groupID: group, sender: own)).distributionMessage()
        #expect(ownAfter.serialized == keys[own]?.serialized)
    }
}
