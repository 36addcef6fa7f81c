import Foundation
import GRDB
import Testing
import WACrypto
import WASignal
import WagoStore

/// Counts the write transactions committed on a database.
final class CommitCounter: TransactionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var commits = 0

    var count: Int { lock.withLock { commits } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { lock.withLock { commits += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

extension StoredParty {
    /// A party with an identity and one published one-time prekey (id 77).
    static func publishing(name: String) async throws -> (party: StoredParty, bundle: PreKeyBundle) {
        let party = try StoredParty(name: name)
        let identity = Curve25519KeyPair.generate()
        try await party.store.saveLocalIdentity(identity, registrationID: 2)
        let published = try PublishedPreKeys(identity: identity, registrationID: 2)
        try await party.store.storeSignedPreKey(published.signed)
        try await party.store.storePreKeys([published.oneTime])
        return (party, published.bundle)
    }

    /// Counts the commits on this party's database from now on (until `restart`).
    func countCommits() -> CommitCounter {
        let counter = CommitCounter()
        database.pool.add(transactionObserver: counter)
        return counter
    }
}

/// `text` padded with a fixed pad length, so a plaintext can be compared with the padded original.
private func padded(_ text: String) -> [UInt8] {
    MessagePadding.pad(Array(text.utf8), randomByte: 3)
}

/// `SignalTransaction` buffers a unit of work's Signal writes; `SignalStore.commit(_:)` stores
/// them in one SQLite transaction, and until then nothing is stored.
@Suite struct SignalTransactionTests {
    @Test("one message encrypted for three new devices: nothing stored until one commit stores it all")
    func oneMessageForThreeDevicesIsOneCommit() async throws {
        let alice = try StoredParty(name: "111")
        try await alice.store.saveLocalIdentity(.generate(), registrationID: 1)
        var peers: [(party: StoredParty, bundle: PreKeyBundle)] = []
        for name in ["222", "333", "444"] { peers.append(try await StoredParty.publishing(name: name)) }
        let commits = alice.countCommits()

        let transaction = SignalTransaction(over: alice.store)
        var sent: [CiphertextMessage] = []
        for peer in peers {
            let cipher = SessionCipher(store: transaction, address: peer.party.address)
            try await cipher.processBundle(peer.bundle)
            sent.append(try await cipher.encrypt(padded("to \(peer.party.address)")))
        }
        #expect(commits.count == 0)
        for peer in peers { #expect(try await alice.store.session(for: peer.party.address) == nil) }

        try await alice.store.commit(await transaction.writes)
        #expect(commits.count == 1)
        try alice.restart()
        for (peer, message) in zip(peers, sent) {
            #expect(message.encType == "pkmsg")
            #expect(try await alice.store.session(for: peer.party.address)?.hasSession == true)
            let plaintext = try await peer.party.cipher(for: alice).decrypt(message)
            #expect(plaintext == padded("to \(peer.party.address)"))
        }
        // The stored ratchets go on from where the transaction left them.
        let next = try await alice.cipher(for: peers[0].party).encrypt(padded("again"))
        #expect(try await peers[0].party.cipher(for: alice).decrypt(next) == padded("again"))
    }

    @Test("a decryption not committed (a crash) decrypts again; once committed, the copy is a duplicate")
    func uncommittedDecryptionRepeats() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let plaintext = padded("hello")
        let message = try await alice.cipher(for: bob).encrypt(plaintext)
        #expect(message.encType == "pkmsg")

        let lost = SignalTransaction(over: bob.store)
        #expect(try await SessionCipher(store: lost, address: alice.address).decrypt(message) == plaintext)
        // Inside the transaction its own writes count: the prekey is spent, the message too.
        #expect(try await lost.preKey(id: 77) == nil)
        await #expect(throws: SignalError.duplicateMessage(counter: 0)) {
            try await SessionCipher(store: lost, address: alice.address).decrypt(message)
        }
        #expect(try await !lost.isTrustedIdentity(Curve25519KeyPair.generate().publicKey, for: alice.address))
        try bob.restart()
        #expect(try await bob.store.preKey(id: 77) != nil)
        #expect(try await bob.store.session(for: alice.address) == nil)

        let commits = bob.countCommits()
        let redelivered = SignalTransaction(over: bob.store)
        #expect(try await SessionCipher(store: redelivered, address: alice.address).decrypt(message) == plaintext)
        try await bob.store.commit(await redelivered.writes)
        #expect(commits.count == 1)
        #expect(try await bob.store.preKey(id: 77) == nil)
        await #expect(throws: SignalError.duplicateMessage(counter: 0)) {
            try await SessionCipher(store: SignalTransaction(over: bob.store), address: alice.address).decrypt(message)
        }
        let second = try await alice.cipher(for: bob).encrypt(padded("second"))
        #expect(try await bob.cipher(for: alice).decrypt(second) == padded("second"))
    }

    @Test("a group sender key created, used and received in transactions: one commit each side")
    func groupKeysCommitOnce() async throws {
        let sender = try StoredParty(name: "111")
        let receiver = try StoredParty(name: "222")
        let name = SenderKeyName(groupID: "120363@g.us", sender: sender.address)
        let senderCommits = sender.countCommits()
        let sending = SignalTransaction(over: sender.store)
        let distribution = try await GroupCipher(store: sending, name: name).distributionMessage()
        let first = try await GroupCipher(store: sending, name: name).encrypt(padded("one"))
        let second = try await GroupCipher(store: sending, name: name).encrypt(padded("two"))
        #expect(try await sender.store.senderKey(for: name) == nil)
        try await sender.store.commit(await sending.writes)
        #expect(senderCommits.count == 1)

        let receiverCommits = receiver.countCommits()
        let receiving = SignalTransaction(over: receiver.store)
        try await GroupCipher(store: receiving, name: name).process(distribution)
        for (message, text) in [(first, "one"), (second, "two")] {
            let plaintext = try await GroupCipher(store: receiving, name: name).decrypt(message)
            #expect(plaintext == padded(text))
        }
        #expect(try await receiver.store.senderKey(for: name) == nil)
        try await receiver.store.commit(await receiving.writes)
        #expect(receiverCommits.count == 1)

        try sender.restart()
        try receiver.restart()
        let third = try await GroupCipher(store: sender.store, name: name).encrypt(padded("three"))
        #expect(third.iteration == 2)
        let plaintext = try await GroupCipher(store: receiver.store, name: name).decrypt(third)
        #expect(plaintext == padded("three"))
        await #expect(throws: SignalError.duplicateMessage(counter: 1)) {
            try await GroupCipher(store: receiver.store, name: name).decrypt(second)
        }
    }

    @Test("an empty batch writes nothing")
    func emptyBatchWritesNothing() async throws {
        let party = try StoredParty(name: "111")
        let commits = party.countCommits()
        try await party.store.commit(SignalWriteBatch())
        #expect(commits.count == 0)
    }
}
