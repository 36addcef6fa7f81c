import Foundation
import Testing
import WACrypto
import WASignal
import WagoTestSupport

/// Two parties with their own stores (which keep every record serialised, as across restarts).
struct Pair {
    let alice: Party
    let bob: Party

    static func make() async throws -> Pair {
        let alice = try Party(identity: .generate(), registrationID: 1, name: "111")
        let bob = try Party(identity: .generate(), registrationID: 2, name: "222")
        let identity = await bob.store.identity
        let signed = try SignedPreKeyRecord.generate(id: 5, identity: identity)
        let preKey = PreKeyRecord.generate(firstID: 77, count: 1)[0]
        await bob.store.add(signed)
        await bob.store.add(preKey)
        try await alice.cipher(with: bob).processBundle(PreKeyBundle(
            registrationID: 2, deviceID: 0, preKey: (preKey.id, preKey.keyPair.publicKey), signedPreKeyID: 5,
            signedPreKey: signed.keyPair.publicKey, signedPreKeySignature: signed.signature, identityKey: identity.publicKey))
        return Pair(alice: alice, bob: bob)
    }
}

extension Party {
    init(identity: Curve25519KeyPair, registrationID: UInt32, name: String) throws {
        try self.init(["identity_key": ["private_hex": Data(identity.privateKey).hex], "registration_id": Int(registrationID),
                       "signal_address": "\(name):0"])
    }
}

@Suite struct SessionSoakTests {
    /// 1,000 messages in phases of random direction and length; each phase is delivered
    /// shuffled, and some messages are held back for up to two later phases. That stays inside
    /// libsignal's bounds: a phase adds at most one receiving chain and 5 are kept.
    @Test func thousandMessagesWithReordering() async throws {
        let pair = try await Pair.make()
        var generator = SystemRandomNumberGenerator()
        var heldBack: [(phase: Int, item: (from: Party, to: Party, message: CiphertextMessage, plaintext: [UInt8]))] = []
        var sent = 0, delivered = 0, phase = 0
        while sent < 1000 {
            let (sender, receiver) = Bool.random(using: &generator) ? (pair.alice, pair.bob) : (pair.bob, pair.alice)
            // Bob cannot speak before he has received Alice's first pkmsg.
            guard sent > 0 || sender.address == pair.alice.address else { continue }
            var batch: [(from: Party, to: Party, message: CiphertextMessage, plaintext: [UInt8])] = []
            for _ in 0..<Int.random(in: 1...40, using: &generator) where sent < 1000 {
                let plaintext = MessagePadding.pad(Array("message \(sent)".utf8))
                batch.append((sender, receiver, try await sender.cipher(with: receiver).encrypt(plaintext), plaintext))
                sent += 1
            }
            batch.shuffle(using: &generator)
            phase += 1
            if batch.count > 3, Int.random(in: 0..<3, using: &generator) == 0 { heldBack.append((phase, batch.removeLast())) }
            if sent == batch.count { batch.sort { $0.message.encType == "pkmsg" && $1.message.encType != "pkmsg" } }
            let due = heldBack.filter { phase - $0.phase >= 2 || sent == 1000 }
            heldBack.removeAll { phase - $0.phase >= 2 || sent == 1000 }
            batch += due.map(\.item)
            for item in batch {
                let padded = try await item.to.cipher(with: item.from).decrypt(item.message)
                #expect(padded == item.plaintext)
                delivered += 1
            }
        }
        #expect(delivered == 1000)
    }

    @Test func groupThousandMessagesWithReordering() async throws {
        let name = SenderKeyName(groupID: "120363@g.us", sender: SignalAddress(name: "111", deviceID: 0))
        let sender = GroupCipher(store: InMemorySignalStore(identity: .generate(), registrationID: 1), name: name)
        let receiverStore = InMemorySignalStore(identity: .generate(), registrationID: 2)
        try await GroupCipher(store: receiverStore, name: name).process(sender.distributionMessage())
        var generator = SystemRandomNumberGenerator()
        var window: [(SenderKeyMessage, [UInt8])] = []
        for index in 0..<1000 {
            let plaintext = MessagePadding.pad(Array("group \(index)".utf8))
            window.append((try await sender.encrypt(plaintext), plaintext))
            if window.count >= Int.random(in: 1...60, using: &generator) || index == 999 {
                // A fresh cipher each time: the record is reloaded from its serialised form.
                let receiver = GroupCipher(store: receiverStore, name: name)
                for (message, plaintext) in window.shuffled(using: &generator) {
                    #expect(try await receiver.decrypt(SenderKeyMessage(serialized: message.serialized)) == plaintext)
                }
                window = []
            }
        }
    }
}
