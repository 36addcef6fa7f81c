import Foundation
import GRDB
import Testing
import WACrypto
import WASignal
@testable import WagoStore

/// `SignalStore` keeps what encrypting and decrypting read in memory, per device of a database
/// (`SignalDeviceCache`): these check that it never answers with anything but the stored state.
@Suite struct SignalStoreCacheTests {
    @Test("a read after a commit sees the committed record, through every store of the device")
    func readAfterCommitSeesIt() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let reader = alice.store
        let before = try #require(try await reader.session(for: bob.address)).serialized()

        // Another store of the device commits (the cipher makes its own).
        _ = try await alice.cipher(for: bob).encrypt(MessagePadding.pad(Array("hello".utf8)))
        let after = try #require(try await reader.session(for: bob.address)).serialized()
        #expect(after != before)

        try alice.restart()  // a new database, an empty cache: the file's record
        #expect(try #require(try await alice.store.session(for: bob.address)).serialized() == after)
    }

    @Test("reads after the first come from memory, not from the rows")
    func readsComeFromMemory() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let session = try #require(try await alice.store.session(for: bob.address)).serialized()
        let identity = try await alice.store.localIdentity()
        // Rows deleted behind the stores' back (nothing in the gateway does so) still answer.
        try await alice.database.pool.write { db in
            try db.execute(sql: "DELETE FROM signalSession")
            try db.execute(sql: "DELETE FROM signalLocalIdentity")
        }
        #expect(try await alice.store.session(for: bob.address)?.serialized() == session)
        #expect(try await alice.store.localIdentity().privateKey == identity.privateKey)
        #expect(try await alice.store.localRegistrationID() == 1)
    }

    @Test("one device's cache never answers for another device")
    func devicesAreApart() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let own = alice.store
        let session = try #require(try await own.session(for: bob.address)).serialized()
        let bobIdentity = try #require(try await own.session(for: bob.address)?.remoteIdentity)
        let other = SignalStore(database: alice.database, device: "device-2")

        await #expect(throws: StoreError.self) { try await other.localIdentity() }
        #expect(try await other.session(for: bob.address) == nil)
        let stranger = Curve25519KeyPair.generate().publicKey
        #expect(try await other.isTrustedIdentity(stranger, for: bob.address))

        // The other device's writes for the same peer leave this device's state alone.
        try await other.saveLocalIdentity(.generate(), registrationID: 9)
        try await other.commit(SessionCommit(address: bob.address, record: WASignal.SessionRecord(), remoteIdentity: stranger, consumedPreKeyID: nil))
        #expect(try await own.localRegistrationID() == 1)
        #expect(try await own.session(for: bob.address)?.serialized() == session)
        #expect(try await own.isTrustedIdentity(bobIdentity, for: bob.address))
        #expect(try await !own.isTrustedIdentity(stranger, for: bob.address))
        #expect(try await other.localRegistrationID() == 9)
        #expect(try await other.isTrustedIdentity(stranger, for: bob.address))
    }

    @Test("removing a peer, or every row of the device, drops what the cache kept of it")
    func removalsInvalidate() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let store = alice.store
        let impostor = Curve25519KeyPair.generate().publicKey
        #expect(try await store.session(for: bob.address) != nil)
        #expect(try await !store.isTrustedIdentity(impostor, for: bob.address))

        try await alice.store.removeIdentityAndSession(for: bob.address)
        #expect(try await store.session(for: bob.address) == nil)
        #expect(try await store.isTrustedIdentity(impostor, for: bob.address))

        #expect(try await store.localRegistrationID() == 1)
        try await alice.store.deleteAll()
        await #expect(throws: StoreError.self) { try await store.localRegistrationID() }

        // A device wiped with its device record (logout) too.
        try await store.saveLocalIdentity(.generate(), registrationID: 3)
        #expect(try await store.localRegistrationID() == 3)
        try await DeviceStore(database: alice.database).wipe(session: StoredParty.device)
        await #expect(throws: StoreError.self) { try await store.localIdentity() }
    }

    @Test("sender keys and their holders read back as last written")
    func senderKeysAndHolders() async throws {
        let party = try StoredParty(name: "111")
        let store = party.store
        let name = SenderKeyName(groupID: "120363@g.us", sender: party.address)
        #expect(try await store.senderKey(for: name) == nil)
        #expect(try await store.senderKeyHolders(of: name.groupID) == [])

        _ = try await GroupCipher(store: party.store, name: name).distributionMessage()
        let written = try #require(try await store.senderKey(for: name)).serialized()
        try party.restart()
        #expect(try await party.store.senderKey(for: name)?.serialized() == written)

        let reader = party.store
        #expect(try await reader.senderKeyHolders(of: name.groupID) == [])
        try await party.store.addSenderKeyHolders(["a@s.whatsapp.net", "b@s.whatsapp.net"], of: name.groupID)
        try await party.store.addSenderKeyHolders(["c@s.whatsapp.net"], of: name.groupID)
        #expect(try await reader.senderKeyHolders(of: name.groupID) == ["a@s.whatsapp.net", "b@s.whatsapp.net", "c@s.whatsapp.net"])
        try await party.store.removeSenderKeyHolders(of: name.groupID)
        #expect(try await reader.senderKeyHolders(of: name.groupID) == [])
    }

    @Test("a commit writes a peer identity only when it is not the one stored")
    func identityWrittenOnlyWhenChanged() async throws {
        let party = try StoredParty(name: "111")
        let address = SignalAddress(name: "222", deviceID: 0)
        let first = Curve25519KeyPair.generate().publicKey, second = Curve25519KeyPair.generate().publicKey
        let key = address.description
        let stored = {
            try await party.database.pool.read { db in
                try Data.fetchAll(db, sql: "SELECT publicKey FROM signalIdentity WHERE address = ?", arguments: [key])
            }
        }
        func commit(_ identity: Curve25519PublicKey) async throws {
            try await party.store.commit(SessionCommit(address: address, record: WASignal.SessionRecord(), remoteIdentity: identity, consumedPreKeyID: nil))
        }
        try await commit(first)
        #expect(try await stored() == [Data(first.bytes)])
        // The same identity again: its row is not rewritten (deleted behind the store's back, it stays so).
        try await party.database.pool.write { try $0.execute(sql: "DELETE FROM signalIdentity") }
        try await commit(first)
        #expect(try await stored() == [])
        // A changed one is written, and is what a fresh cache reads.
        try await commit(second)
        #expect(try await stored() == [Data(second.bytes)])
        try party.restart()
        #expect(try await party.store.isTrustedIdentity(second, for: address))
        #expect(try await !party.store.isTrustedIdentity(first, for: address))
    }

    @Test("a device keeps at most its capacity of each kind; the others are read again")
    func capacityIsRespected() async throws {
        let party = try StoredParty(name: "111")
        let capacity = SignalStateCache.defaultCapacityPerDevice
        let addresses = (0..<capacity + 100).map { SignalAddress(name: "\($0)", deviceID: 0) }
        let identity = Curve25519KeyPair.generate().publicKey
        var batch = SignalWriteBatch()
        for address in addresses {
            batch.add(SessionCommit(address: address, record: WASignal.SessionRecord(), remoteIdentity: identity, consumedPreKeyID: nil))
        }
        try await party.store.commit(batch)

        let counts = party.database.signalCache.device(StoredParty.device).counts
        #expect(counts.sessions > 0 && counts.sessions <= capacity)
        #expect(counts.identities > 0 && counts.identities <= capacity)
        for address in addresses.prefix(3) + addresses.suffix(3) {
            #expect(try await party.store.session(for: address) != nil)
            #expect(try await party.store.isTrustedIdentity(identity, for: address))
        }
        #expect(party.database.signalCache.device(StoredParty.device).counts.sessions <= capacity)
    }

    @Test("the least recently used values go first")
    func leastRecentlyUsedGoFirst() {
        var cache = BoundedCache<String, Int>(capacity: 4)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        cache.set(3, for: "c")
        #expect(cache.value(for: "a") == 1)  // used again: now newer than "b" and "c"
        cache.set(4, for: "d")
        cache.set(5, for: "e")
        #expect(cache.value(for: "b") == nil)
        #expect(cache.value(for: "a") == 1)
        #expect(cache.value(for: "e") == 5)
        #expect(cache.count <= 4)
    }

    @Test("a read that began before a commit does not keep its older value")
    func readOverlappingACommitIsNotKept() async throws {
        let cache = SignalDeviceCache(capacity: 8)
        let address = SignalAddress(name: "1", deviceID: 0)
        let read: [UInt8]? = try await cache.readThrough(\.identities, key: address) {
            cache.committed { $0.identities.set([2], for: address) }  // a write commits meanwhile
            return [1]
        }
        #expect(read == [1])
        let next: [UInt8]? = try await cache.readThrough(\.identities, key: address) { [9] }
        #expect(next == [2])
    }
}
