import Foundation
import Testing
import WACrypto
import WASignal

@Suite struct SessionFailureTests {
    private func firstMessage(_ pair: Pair) async throws -> CiphertextMessage {
        try await pair.alice.cipher(with: pair.bob).encrypt([1, 2, 3])
    }

    @Test func badMACIsReportedAndDoesNotAdvanceState() async throws {
        let pair = try await Pair.make()
        _ = try await pair.bob.cipher(with: pair.alice).decrypt(firstMessage(pair))
        _ = try await pair.alice.cipher(with: pair.bob).decrypt(pair.bob.cipher(with: pair.alice).encrypt([9]))
        let good = try await pair.alice.cipher(with: pair.bob).encrypt([4])
        #expect(good.encType == "msg")
        var bytes = good.serialized
        bytes[bytes.count - 1] ^= 0xFF
        await #expect(throws: SignalError.badMAC) {
            try await pair.bob.cipher(with: pair.alice).decrypt(.whisper(SignalMessage(serialized: bytes)))
        }
        #expect(try await pair.bob.cipher(with: pair.alice).decrypt(good) == [4])
    }

    @Test func unknownPreKeyAndSignedPreKey() async throws {
        let pair = try await Pair.make()
        guard case .preKey(let message) = try await firstMessage(pair) else { Issue.record("expected pkmsg"); return }
        let stranger = try Party(identity: await pair.bob.store.identity, registrationID: 2, name: "222")
        await #expect(throws: SignalError.unknownSignedPreKey(5)) {
            try await stranger.cipher(with: pair.alice).decrypt(.preKey(message))
        }
        await stranger.store.add(try SignedPreKeyRecord.generate(id: 5, identity: stranger.store.identity))
        await #expect(throws: SignalError.unknownPreKey(77)) {
            try await stranger.cipher(with: pair.alice).decrypt(.preKey(message))
        }
    }

    @Test func changedIdentityIsUntrustedUntilForgotten() async throws {
        let pair = try await Pair.make()
        _ = try await pair.bob.cipher(with: pair.alice).decrypt(firstMessage(pair))
        // Alice reinstalls: new identity, same address, new session from Bob's bundle.
        let newAlice = try Party(identity: .generate(), registrationID: 1, name: "111")
        let bundleOwner = pair.bob
        let identity = await bundleOwner.store.identity
        let signed = try SignedPreKeyRecord.generate(id: 6, identity: identity)
        await bundleOwner.store.add(signed)
        try await newAlice.cipher(with: bundleOwner).processBundle(PreKeyBundle(
            registrationID: 2, deviceID: 0, preKey: nil, signedPreKeyID: 6, signedPreKey: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature, identityKey: identity.publicKey))
        let message = try await newAlice.cipher(with: bundleOwner).encrypt([7])
        await #expect(throws: SignalError.untrustedIdentity) { try await bundleOwner.cipher(with: newAlice).decrypt(message) }
        await bundleOwner.store.forgetIdentity(of: newAlice.address)
        #expect(try await bundleOwner.cipher(with: newAlice).decrypt(message) == [7])
    }

    @Test func newSessionKeepsOldOneForLateMessages() async throws {
        let pair = try await Pair.make()
        _ = try await pair.bob.cipher(with: pair.alice).decrypt(firstMessage(pair))
        let late = try await pair.alice.cipher(with: pair.bob).encrypt([8])
        // Alice starts over with a new session (same identity), e.g. after losing her session.
        let identity = await pair.bob.store.identity
        let signed = try SignedPreKeyRecord.generate(id: 6, identity: identity)
        await pair.bob.store.add(signed)
        try await pair.alice.cipher(with: pair.bob).processBundle(PreKeyBundle(
            registrationID: 2, deviceID: 0, preKey: nil, signedPreKeyID: 6, signedPreKey: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature, identityKey: identity.publicKey))
        let fresh = try await pair.alice.cipher(with: pair.bob).encrypt([9])
        #expect(fresh.encType == "pkmsg")
        #expect(try await pair.bob.cipher(with: pair.alice).decrypt(fresh) == [9])
        #expect(try await pair.bob.cipher(with: pair.alice).decrypt(late) == [8])
    }

    @Test func invalidBundleSignatureIsRejected() async throws {
        let alice = try Party(identity: .generate(), registrationID: 1, name: "1")
        let identity = Curve25519KeyPair.generate()
        let signed = try SignedPreKeyRecord.generate(id: 1, identity: .generate())
        await #expect(throws: SignalError.invalidSignature) {
            try await alice.cipher(with: alice).processBundle(PreKeyBundle(
                registrationID: 2, deviceID: 0, preKey: nil, signedPreKeyID: 1, signedPreKey: signed.keyPair.publicKey,
                signedPreKeySignature: signed.signature, identityKey: identity.publicKey))
        }
    }

    @Test func tooFarInFutureIsRejected() async throws {
        let pair = try await Pair.make()
        _ = try await pair.bob.cipher(with: pair.alice).decrypt(firstMessage(pair))
        var last: CiphertextMessage?
        for _ in 0...2001 { last = try await pair.alice.cipher(with: pair.bob).encrypt([0]) }
        let message = try #require(last)
        await #expect(throws: SignalError.tooFarInFuture(counter: 2002)) {
            try await pair.bob.cipher(with: pair.alice).decrypt(message)
        }
    }

    @Test func noSessionAndVersionErrors() async throws {
        let pair = try await Pair.make()
        let message = try await pair.alice.cipher(with: pair.bob).encrypt([1])
        guard case .preKey(let preKey) = message else { Issue.record("expected pkmsg"); return }
        await #expect(throws: SignalError.noSession) { try await pair.bob.cipher(with: pair.alice).decrypt(.whisper(preKey.message)) }
        await #expect(throws: SignalError.noSession) { try await pair.bob.cipher(with: pair.alice).encrypt([1]) }
        var bytes = preKey.serialized
        bytes[0] = 0x23
        #expect(throws: SignalError.unsupportedVersion(2)) { try PreKeySignalMessage(serialized: bytes) }
        #expect(throws: SignalError.self) { try CiphertextMessage(encType: "skmsg", serialized: bytes) }
    }

    /// Truncations and bit flips of every message and record type end in errors, never traps.
    @Test func malformedInputNeverCrashes() async throws {
        let pair = try await Pair.make()
        let pkmsg = try await firstMessage(pair)
        _ = try await pair.bob.cipher(with: pair.alice).decrypt(pkmsg)
        let msg = try await pair.bob.cipher(with: pair.alice).encrypt(Array(repeating: 1, count: 40))
        let name = SenderKeyName(groupID: "g", sender: pair.alice.address)
        let group = GroupCipher(store: pair.alice.store, name: name)
        let skdm = try await group.distributionMessage()
        let skmsg = try await group.encrypt([1, 2, 3])
        let sessionRecord = try #require(try await pair.bob.store.session(for: pair.alice.address)).serialized()
        let senderKeyRecord = try #require(try await pair.alice.store.senderKey(for: name)).serialized()

        let parsers: [(String, [UInt8], ([UInt8]) throws -> Void)] = [
            ("pkmsg", pkmsg.serialized, { _ = try PreKeySignalMessage(serialized: $0) }),
            ("msg", msg.serialized, { _ = try SignalMessage(serialized: $0) }),
            ("skdm", skdm.serialized, { _ = try SenderKeyDistributionMessage(serialized: $0) }),
            ("skmsg", skmsg.serialized, { _ = try SenderKeyMessage(serialized: $0) }),
            ("session record", sessionRecord, { _ = try SessionRecord(serialized: $0) }),
            ("sender key record", senderKeyRecord, { _ = try SenderKeyRecord(serialized: $0) }),
        ]
        var generator = SystemRandomNumberGenerator()
        for (_, valid, parse) in parsers {
            for length in 0..<valid.count { _ = try? parse(Array(valid.prefix(length))) }
            for _ in 0..<300 {
                var mutated = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                _ = try? parse(mutated)
            }
            _ = try? parse((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        // Mutated messages through the full decrypt path as well.
        for _ in 0..<200 {
            var mutated = msg.serialized
            mutated[Int.random(in: 1..<mutated.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            if let message = try? CiphertextMessage(encType: "msg", serialized: mutated) {
                _ = try? await pair.alice.cipher(with: pair.bob).decrypt(message)
            }
        }
        #expect(try await pair.alice.cipher(with: pair.bob).decrypt(msg) == Array(repeating: 1, count: 40))
    }
}
