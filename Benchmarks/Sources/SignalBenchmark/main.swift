// Signal throughput: session setups, 1:1 and sender-key encrypt/decrypt of a 100-byte message.
// Stores keep records in memory (no serialisation) so the numbers show the protocol's own cost;
// the record encode/decode cost a real store adds is measured separately.
import Foundation
import WACrypto
import WASignal

/// A minimal in-memory store for measuring; the product's real stores live in WagoStore.
final class BenchmarkStore: SignalIdentityStore, SignalPreKeyStore, SignalSessionStore, SignalSenderKeyStore, @unchecked Sendable {
    let identity = Curve25519KeyPair.generate()
    private let lock = NSLock()
    private var preKeys: [UInt32: PreKeyRecord] = [:]
    private var signedPreKeys: [UInt32: SignedPreKeyRecord] = [:]
    private var sessions: [SignalAddress: SessionRecord] = [:]
    private var senderKeys: [SenderKeyName: SenderKeyRecord] = [:]

    func add(_ preKey: PreKeyRecord) { lock.withLock { preKeys[preKey.id] = preKey } }
    func add(_ signed: SignedPreKeyRecord) { lock.withLock { signedPreKeys[signed.id] = signed } }
    func localIdentity() -> Curve25519KeyPair { identity }
    func localRegistrationID() -> UInt32 { 1 }
    func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) -> Bool { true }
    func preKey(id: UInt32) -> PreKeyRecord? { lock.withLock { preKeys[id] } }
    func signedPreKey(id: UInt32) -> SignedPreKeyRecord? { lock.withLock { signedPreKeys[id] } }
    func session(for address: SignalAddress) -> SessionRecord? { lock.withLock { sessions[address] } }
    func commit(_ commit: SessionCommit) {
        lock.withLock {
            sessions[commit.address] = commit.record
            if let id = commit.consumedPreKeyID { preKeys[id] = nil }
        }
    }
    func senderKey(for name: SenderKeyName) -> SenderKeyRecord? { lock.withLock { senderKeys[name] } }
    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) { lock.withLock { senderKeys[name] = record } }
}

func measure(_ label: String, iterations: Int, _ body: () async throws -> Void) async throws {
    let start = ContinuousClock.now
    for _ in 0..<iterations { try await body() }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    print(String(format: "%-44@ %10.0f /s  (%d in %.2f s)", label as NSString, Double(iterations) / seconds, iterations, seconds))
}

let aliceAddress = SignalAddress(name: "15550001111", deviceID: 0)
let bobAddress = SignalAddress(name: "15550002222", deviceID: 1)
let plaintext = [UInt8](repeating: 0x61, count: 100)

func makeSession(alice: BenchmarkStore, bob: BenchmarkStore, preKeyID: UInt32) async throws -> CiphertextMessage {
    let signed = try SignedPreKeyRecord.generate(id: 1, identity: bob.identity)
    let preKey = PreKeyRecord(id: preKeyID, keyPair: .generate())
    bob.add(signed)
    bob.add(preKey)
    try await SessionCipher(store: alice, address: bobAddress).processBundle(PreKeyBundle(
        registrationID: 1, deviceID: 1, preKey: (preKey.id, preKey.keyPair.publicKey), signedPreKeyID: 1,
        signedPreKey: signed.keyPair.publicKey, signedPreKeySignature: signed.signature, identityKey: bob.identity.publicKey))
    let first = try await SessionCipher(store: alice, address: bobAddress).encrypt(plaintext)
    _ = try await SessionCipher(store: bob, address: aliceAddress).decrypt(first)
    return first
}

/// Runs off the main actor, so the numbers are not dominated by hops back to it after each await.
enum SignalBenchmark {
    nonisolated static func run() async throws {
        // Session setup: bundle processing (signature check, X3DH) + first pkmsg encrypt + its decryption.
        let setupAlice = BenchmarkStore(), setupBob = BenchmarkStore()
        var nextPreKeyID: UInt32 = 1
        try await measure("session setup (bundle + pkmsg round)", iterations: 2_000) {
            nextPreKeyID += 1
            _ = try await makeSession(alice: setupAlice, bob: setupBob, preKeyID: nextPreKeyID)
        }

        // 1:1 steady state: Bob answers once so Alice sends plain msgs on one chain.
        let alice = BenchmarkStore(), bob = BenchmarkStore()
        _ = try await makeSession(alice: alice, bob: bob, preKeyID: 1)
        let aliceCipher = SessionCipher(store: alice, address: bobAddress)
        let bobCipher = SessionCipher(store: bob, address: aliceAddress)
        _ = try await aliceCipher.decrypt(bobCipher.encrypt(plaintext))
        let count = 100_000
        var messages: [CiphertextMessage] = []
        messages.reserveCapacity(count)
        try await measure("1:1 encrypt (100 B)", iterations: count) { messages.append(try await aliceCipher.encrypt(plaintext)) }
        var index = 0
        try await measure("1:1 decrypt (100 B)", iterations: count) {
            _ = try await bobCipher.decrypt(messages[index])
            index += 1
        }
        try await measure("1:1 encrypt+decrypt pair (100 B)", iterations: count) {
            _ = try await bobCipher.decrypt(aliceCipher.encrypt(plaintext))
        }

        // What a persisting store adds per operation: encode + decode of the session record.
        let record = try require(bob.session(for: aliceAddress))
        try await measure("session record serialise+parse", iterations: count) {
            _ = try SessionRecord(serialized: record.serialized())
        }

        // Sender keys.
        let groupName = SenderKeyName(groupID: "120363025246125486@g.us", sender: aliceAddress)
        let groupSender = GroupCipher(store: alice, name: groupName)
        let groupReceiver = GroupCipher(store: bob, name: groupName)
        try await groupReceiver.process(groupSender.distributionMessage())
        let groupCount = 20_000
        var groupMessages: [SenderKeyMessage] = []
        try await measure("sender-key encrypt (100 B, signs)", iterations: groupCount) {
            groupMessages.append(try await groupSender.encrypt(plaintext))
        }
        index = 0
        try await measure("sender-key decrypt (100 B, verifies)", iterations: groupCount) {
            _ = try await groupReceiver.decrypt(groupMessages[index])
            index += 1
        }
    }
}

func require<T>(_ value: T?) throws -> T {
    guard let value else { throw SignalError.noSession }
    return value
}

try await SignalBenchmark.run()
