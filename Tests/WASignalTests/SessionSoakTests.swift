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
        let published = try PublishedPreKeys(identity: bob.store.identity, registrationID: 2)
        await bob.store.add(published.signed)
        await bob.store.add(published.oneTime)
        try await alice.cipher(with: bob).processBundle(published.bundle)
        return Pair(alice: alice, bob: bob)
    }
}

/// A fresh signed prekey and one-time prekey of `identity`, and the bundle a peer fetches for them.
struct PublishedPreKeys {
    let signed: SignedPreKeyRecord
    let oneTime: PreKeyRecord
    let bundle: PreKeyBundle

    init(identity: Curve25519KeyPair, registrationID: UInt32) throws {
        signed = try SignedPreKeyRecord.generate(id: 5, identity: identity)
        oneTime = PreKeyRecord.generate(firstID: 77, count: 1)[0]
        bundle = PreKeyBundle(
            registrationID: registrationID, deviceID: 0, preKey: (oneTime.id, oneTime.keyPair.publicKey),
            signedPreKeyID: signed.id, signedPreKey: signed.keyPair.publicKey, signedPreKeySignature: signed.signature,
            identityKey: identity.publicKey)
    }
}

extension Party {
    init(identity: Curve25519KeyPair, registrationID: UInt32, name: String) throws {
        try self.init(["identity_key": ["private_hex": Data(identity.privateKey).hex], "registration_id": Int(registrationID),
                       "signal_address": "\(name):0"])
    }
}

/// A 1:1 message in flight.
private struct SentMessage {
    let fromAlice: Bool
    let message: CiphertextMessage
    let plaintext: [UInt8]
}

/// 1,000 1:1 messages in phases of random direction and length; each phase is delivered
/// shuffled, and some messages are held back for up to two later phases. That stays inside
/// libsignal's bounds: a phase adds at most one receiving chain and 5 are kept.
/// - Parameters:
///   - cipher: Alice's cipher for Bob (`true`) or Bob's for Alice (`false`), on that side's
///     current store. Alice has processed Bob's bundle, so she speaks first.
///   - afterPhase: runs after each phase is delivered; restart tests reopen a store here.
func exchangeThousandMessages(
    cipher: (_ ofAlice: Bool) -> SessionCipher, afterPhase: (_ phase: Int) async throws -> Void = { _ in }
) async throws {
    var generator = SystemRandomNumberGenerator()
    var heldBack: [(phase: Int, item: SentMessage)] = []
    var sent = 0, delivered = 0, phase = 0
    while sent < 1000 {
        let fromAlice = Bool.random(using: &generator)
        // Bob cannot speak before he has received Alice's first pkmsg.
        guard sent > 0 || fromAlice else { continue }
        var batch: [SentMessage] = []
        for _ in 0..<Int.random(in: 1...40, using: &generator) where sent < 1000 {
            let plaintext = MessagePadding.pad(Array("message \(sent)".utf8))
            batch.append(SentMessage(
                fromAlice: fromAlice, message: try await cipher(fromAlice).encrypt(plaintext), plaintext: plaintext))
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
            #expect(try await cipher(!item.fromAlice).decrypt(item.message) == item.plaintext)
            delivered += 1
        }
        try await afterPhase(phase)
    }
    #expect(delivered == 1000)
}

/// 1,000 group messages, delivered in shuffled windows of up to 60 to a fresh receiving cipher
/// each time, so the receiver's record is reloaded from its serialised form.
/// - Parameters:
///   - senderStore, receiverStore: each side's current store.
///   - afterWindow: runs after each window is delivered; restart tests reopen a store here.
func exchangeThousandGroupMessages(
    senderStore: () -> any SignalSenderKeyStore, receiverStore: () -> any SignalSenderKeyStore,
    afterWindow: (_ window: Int) async throws -> Void = { _ in }
) async throws {
    let name = SenderKeyName(groupID: "120363@g.us", sender: SignalAddress(name: "111", deviceID: 0))
    let distribution = try await GroupCipher(store: senderStore(), name: name).distributionMessage()
    try await GroupCipher(store: receiverStore(), name: name).process(distribution)
    var generator = SystemRandomNumberGenerator()
    var pending: [(SenderKeyMessage, [UInt8])] = []
    var window = 0
    for index in 0..<1000 {
        let plaintext = MessagePadding.pad(Array("group \(index)".utf8))
        pending.append((try await GroupCipher(store: senderStore(), name: name).encrypt(plaintext), plaintext))
        if pending.count >= Int.random(in: 1...60, using: &generator) || index == 999 {
            let receiver = GroupCipher(store: receiverStore(), name: name)
            for (message, plaintext) in pending.shuffled(using: &generator) {
                #expect(try await receiver.decrypt(SenderKeyMessage(serialized: message.serialized)) == plaintext)
            }
            pending = []
            window += 1
            try await afterWindow(window)
        }
    }
}

@Suite struct SessionSoakTests {
    @Test func thousandMessagesWithReordering() async throws {
        let pair = try await Pair.make()
        try await exchangeThousandMessages { ofAlice in
            ofAlice ? pair.alice.cipher(with: pair.bob) : pair.bob.cipher(with: pair.alice)
        }
    }

    @Test func groupThousandMessagesWithReordering() async throws {
        let sender = InMemorySignalStore(identity: .generate(), registrationID: 1)
        let receiver = InMemorySignalStore(identity: .generate(), registrationID: 2)
        try await exchangeThousandGroupMessages(senderStore: { sender }, receiverStore: { receiver })
    }
}
