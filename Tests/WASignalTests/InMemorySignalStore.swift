import Foundation
import WACrypto
import WASignal

/// Test double for all Signal stores. Records are kept serialised, so every operation also
/// exercises the storage encoding, as a restart would.
actor InMemorySignalStore: SignalIdentityStore, SignalPreKeyStore, SignalSessionStore, SignalSenderKeyStore {
    let identity: Curve25519KeyPair
    let registrationID: UInt32
    private var preKeys: [UInt32: PreKeyRecord] = [:]
    private var signedPreKeys: [UInt32: SignedPreKeyRecord] = [:]
    private var identities: [SignalAddress: Curve25519PublicKey] = [:]
    private var sessions: [SignalAddress: [UInt8]] = [:]
    private var senderKeys: [SenderKeyName: [UInt8]] = [:]
    private(set) var removedPreKeyIDs: [UInt32] = []

    init(identity: Curve25519KeyPair, registrationID: UInt32) {
        self.identity = identity
        self.registrationID = registrationID
    }

    func add(_ preKey: PreKeyRecord) { preKeys[preKey.id] = preKey }
    func add(_ signedPreKey: SignedPreKeyRecord) { signedPreKeys[signedPreKey.id] = signedPreKey }
    func forgetIdentity(of address: SignalAddress) { identities[address] = nil }

    func localIdentity() -> Curve25519KeyPair { identity }
    func localRegistrationID() -> UInt32 { registrationID }
    func isTrustedIdentity(_ identity: Curve25519PublicKey, for address: SignalAddress) -> Bool {
        identities[address].map { $0 == identity } ?? true
    }

    func preKey(id: UInt32) -> PreKeyRecord? { preKeys[id] }
    func signedPreKey(id: UInt32) -> SignedPreKeyRecord? { signedPreKeys[id] }

    func session(for address: SignalAddress) throws -> SessionRecord? {
        try sessions[address].map { try SessionRecord(serialized: $0) }
    }

    func commit(_ commit: SessionCommit) {
        sessions[commit.address] = commit.record.serialized()
        identities[commit.address] = commit.remoteIdentity
        if let id = commit.consumedPreKeyID {
            preKeys[id] = nil
            removedPreKeyIDs.append(id)
        }
    }

    func senderKey(for name: SenderKeyName) throws -> SenderKeyRecord? {
        try senderKeys[name].map { try SenderKeyRecord(serialized: $0) }
    }

    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) { senderKeys[name] = record.serialized() }
}

/// Replays recorded random bytes in order; once they run out, hands out fresh ones.
final class RecordedRandom: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[UInt8]]
    private(set) var mismatches = 0

    init(_ chunks: [[UInt8]] = []) { self.chunks = chunks }

    func append(_ chunk: [UInt8]) { lock.withLock { chunks.append(chunk) } }

    var source: RandomSource {
        { [self] count in
            lock.withLock {
                guard !chunks.isEmpty else { return randomBytes(count) }
                let chunk = chunks.removeFirst()
                if chunk.count != count { mismatches += 1 }
                return chunk
            }
        }
    }
}
