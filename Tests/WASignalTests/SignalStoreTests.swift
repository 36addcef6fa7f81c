import Foundation
import GRDB
import Testing
import WACrypto
import WASignal
import WagoStore

/// A party whose Signal state lives in its own SQLite database, which it can close and reopen
/// as a gateway restart would.
final class StoredParty {
    static let device = "device-1"

    let directory: URL
    let address: SignalAddress
    private(set) var database: WagoDatabase

    init(name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-signal-\(UUID().uuidString)")
        address = SignalAddress(name: name, deviceID: 0)
        database = try Self.open(directory)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var store: SignalStore { SignalStore(database: database, device: Self.device) }

    func cipher(for peer: StoredParty) -> SessionCipher { SessionCipher(store: store, address: peer.address) }

    /// Closes the database and opens it again from the file, reloading the secret key too.
    func restart() throws {
        try database.pool.close()
        database = try Self.open(directory)
    }

    /// Every byte of the database's files (the WAL holds recent writes until a checkpoint).
    func fileBytes() throws -> Data {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("wago.sqlite") }
            .reduce(into: Data()) { $0 += try Data(contentsOf: $1) }
    }

    private static func open(_ directory: URL) throws -> WagoDatabase {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let masterKey = try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory)
        return try WagoDatabase(dataDirectory: directory, secrets: SecretBox(masterKey: masterKey))
    }

    /// Alice (111) with a session to Bob (222) from his published prekeys; nothing sent yet.
    static func linkedPair() async throws -> (alice: StoredParty, bob: StoredParty) {
        let alice = try StoredParty(name: "111")
        let bob = try StoredParty(name: "222")
        try await alice.store.saveLocalIdentity(.generate(), registrationID: 1)
        let bobIdentity = Curve25519KeyPair.generate()
        try await bob.store.saveLocalIdentity(bobIdentity, registrationID: 2)
        let published = try PublishedPreKeys(identity: bobIdentity, registrationID: 2)
        try await bob.store.storeSignedPreKey(published.signed)
        try await bob.store.storePreKeys([published.oneTime])
        try await alice.cipher(for: bob).processBundle(published.bundle)
        return (alice, bob)
    }
}

@Suite struct SignalStoreTests {
    @Test func thousandMessagesAcrossRestarts() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        try await exchangeThousandMessages { ofAlice in
            ofAlice ? alice.cipher(for: bob) : bob.cipher(for: alice)
        } afterPhase: { phase in
            // Every fifth phase one side restarts, in turn, often with messages held back.
            if phase % 5 == 0 { try (phase % 10 == 0 ? alice : bob).restart() }
        }
    }

    @Test func groupThousandMessagesAcrossRestarts() async throws {
        let sender = try StoredParty(name: "111")
        let receiver = try StoredParty(name: "222")
        try await exchangeThousandGroupMessages(senderStore: { sender.store }, receiverStore: { receiver.store }) { window in
            if window % 3 == 0 { try (window % 6 == 0 ? sender : receiver).restart() }
        }
    }

    @Test func preKeysAreStoredCountedAndRemoved() async throws {
        let party = try StoredParty(name: "111")
        let preKeys = PreKeyRecord.generate(firstID: 1, count: 500)
        try await party.store.storePreKeys(preKeys)
        let signed = try SignedPreKeyRecord.generate(id: 9, identity: .generate())
        try await party.store.storeSignedPreKey(signed)
        try party.restart()

        #expect(try await party.store.preKeyCount() == 500)
        let stored = try #require(try await party.store.preKey(id: 250))
        #expect(stored.keyPair.privateKey == preKeys[249].keyPair.privateKey)
        #expect(stored.keyPair.publicKey == preKeys[249].keyPair.publicKey)
        let storedSigned = try #require(try await party.store.signedPreKey(id: 9))
        #expect(storedSigned.keyPair.privateKey == signed.keyPair.privateKey)
        #expect(storedSigned.signature == signed.signature)

        #expect(try await party.store.removePreKey(id: 250))
        #expect(try await !party.store.removePreKey(id: 250))
        #expect(try await party.store.preKey(id: 250) == nil)
        #expect(try await party.store.preKeyCount() == 499)
    }

    @Test func rotationPrunesAllButTheKeptSignedPreKeys() async throws {
        let party = try StoredParty(name: "111")
        let identity = Curve25519KeyPair.generate()
        for id in UInt32(1)...4 {
            try await party.store.storeSignedPreKey(try SignedPreKeyRecord.generate(id: id, identity: identity))
        }
        try await party.store.removeSignedPreKeys(keeping: [3, 4])
        #expect(try await party.store.signedPreKey(id: 1) == nil)
        #expect(try await party.store.signedPreKey(id: 2) == nil)
        #expect(try await party.store.signedPreKey(id: 3) != nil)
        #expect(try await party.store.signedPreKey(id: 4) != nil)
    }

    @Test func preKeyConsumedByPreKeyMessageIsGone() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let message = try await alice.cipher(for: bob).encrypt(MessagePadding.pad(Array("hello".utf8)))
        #expect(message.encType == "pkmsg")
        #expect(try await bob.store.preKey(id: 77) != nil)

        _ = try await bob.cipher(for: alice).decrypt(message)
        #expect(try await bob.store.preKey(id: 77) == nil)
        #expect(try await bob.store.preKeyCount() == 0)
        // The same commit stored the session and Alice's identity.
        #expect(try await bob.store.session(for: alice.address) != nil)
        let aliceIdentity = try await alice.store.localIdentity().publicKey
        #expect(try await !bob.store.isTrustedIdentity(Curve25519KeyPair.generate().publicKey, for: alice.address))
        #expect(try await bob.store.isTrustedIdentity(aliceIdentity, for: alice.address))
    }

    @Test func changedIdentityIsUntrusted() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let impostor = try PublishedPreKeys(identity: .generate(), registrationID: 2)
        #expect(try await !alice.store.isTrustedIdentity(impostor.bundle.identityKey, for: bob.address))
        await #expect(throws: SignalError.untrustedIdentity) {
            try await alice.cipher(for: bob).processBundle(impostor.bundle)
        }
        // First use of another address is trusted.
        #expect(try await alice.store.isTrustedIdentity(
            impostor.bundle.identityKey, for: SignalAddress(name: "333", deviceID: 0)))

        try await alice.store.removeIdentityAndSession(for: bob.address)
        #expect(try await alice.store.session(for: bob.address) == nil)
        #expect(try await alice.store.isTrustedIdentity(impostor.bundle.identityKey, for: bob.address))
    }

    @Test func privateKeysAreNotInTheFileInClear() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let preKey = PreKeyRecord.generate(firstID: 1, count: 1)[0]
        try await alice.store.storePreKeys([preKey])
        let bytes = try alice.fileBytes()
        let identity = try await alice.store.localIdentity()

        #expect(bytes.range(of: Data(identity.privateKey)) == nil)
        #expect(bytes.range(of: Data(preKey.keyPair.privateKey)) == nil)
        // Peers' public identities are stored in clear: proof that the search sees stored bytes.
        let bobIdentity = try await bob.store.localIdentity().publicKey
        #expect(bytes.range(of: Data(bobIdentity.bytes)) != nil)
    }

    @Test func wrongSecretKeyCannotOpenRecords() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let otherKey = try SecretBox.loadMasterKey(configured: String(repeating: "ab", count: 32), dataDirectory: alice.directory)
        let intruder = SignalStore(
            database: try WagoDatabase(dataDirectory: alice.directory, secrets: SecretBox(masterKey: otherKey)),
            device: StoredParty.device)

        await #expect(throws: StoreError.self) { try await intruder.localIdentity() }
        await #expect(throws: StoreError.self) { try await intruder.session(for: bob.address) }
        #expect(try await alice.store.session(for: bob.address) != nil)
    }

    @Test func sealedValueCopiedToAnotherRowDoesNotOpen() async throws {
        let party = try StoredParty(name: "111")
        try await party.store.storePreKeys(PreKeyRecord.generate(firstID: 1, count: 1))
        try await party.database.pool.write { db in
            try db.execute(sql: "INSERT INTO signalPreKey (device, id, sealedRecord) SELECT device, 2, sealedRecord FROM signalPreKey")
            try db.execute(sql: "INSERT INTO signalPreKey (device, id, sealedRecord) SELECT 'device-2', 1, sealedRecord FROM signalPreKey WHERE id = 1")
        }

        #expect(try await party.store.preKey(id: 1) != nil)
        await #expect(throws: StoreError.self) { try await party.store.preKey(id: 2) }
        let otherDevice = SignalStore(database: party.database, device: "device-2")
        await #expect(throws: StoreError.self) { try await otherDevice.preKey(id: 1) }
    }

    @Test func deleteAllRemovesOnlyThatDevice() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let otherDevice = SignalStore(database: alice.database, device: "device-2")
        try await otherDevice.saveLocalIdentity(.generate(), registrationID: 7)

        try await alice.store.deleteAll()
        await #expect(throws: StoreError.self) { try await alice.store.localIdentity() }
        #expect(try await alice.store.session(for: bob.address) == nil)
        #expect(try await otherDevice.localRegistrationID() == 7)
    }
}
