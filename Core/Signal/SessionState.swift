import WACrypto

/// A chain we receive on: the peer's ratchet key, its chain key and keys skipped for late messages.
struct ReceiverChain: Sendable, Equatable {
    let ratchetKey: Curve25519PublicKey
    var chainKey: ChainKey
    var skippedKeys: [MessageKeys] = []
}

/// What a sender repeats in every PreKeySignalMessage until the peer answers.
struct PendingPreKey: Sendable, Equatable {
    let preKeyID: UInt32?
    let signedPreKeyID: UInt32
    let baseKey: Curve25519PublicKey
}

/// One double-ratchet session with one peer device (libsignal's `record.State`).
struct SessionState: Sendable {
    /// libsignal bounds, so a peer cannot make us store unbounded state.
    static let maxReceiverChains = 5
    static let maxSkippedKeysPerChain = 2000
    static let maxFutureMessages: UInt32 = 2000

    var localIdentity: Curve25519PublicKey
    var remoteIdentity: Curve25519PublicKey
    var rootKey: [UInt8]
    var previousCounter: UInt32 = 0
    var senderRatchet: Curve25519KeyPair
    var senderChain: ChainKey
    /// Oldest first.
    var receiverChains: [ReceiverChain]
    var pendingPreKey: PendingPreKey?
    var localRegistrationID: UInt32 = 0
    var remoteRegistrationID: UInt32 = 0
    /// The X3DH base key that created this session; identifies replayed PreKeySignalMessages.
    var aliceBaseKey: Curve25519PublicKey?

    /// Encrypts with the next sending message key and advances the chain.
    mutating func encrypt(_ plaintext: [UInt8]) throws(SignalError) -> CiphertextMessage {
        let (keys, nextChain) = senderChain.advanced()
        let body = try signalCrypto { () throws(CryptoError) in try AESCBC.encrypt(plaintext, key: keys.cipherKey, iv: keys.iv) }
        let message = SignalMessage(
            ratchetKey: senderRatchet.publicKey, counter: senderChain.index, previousCounter: previousCounter,
            ciphertext: body, macKey: keys.macKey, senderIdentity: localIdentity, receiverIdentity: remoteIdentity)
        senderChain = nextChain
        guard let pendingPreKey else { return .whisper(message) }
        return .preKey(PreKeySignalMessage(
            registrationID: localRegistrationID, preKeyID: pendingPreKey.preKeyID,
            signedPreKeyID: pendingPreKey.signedPreKeyID, baseKey: pendingPreKey.baseKey,
            identityKey: localIdentity, message: message))
    }

    /// Decrypts, turning the DH ratchet if the peer has a new ratchet key. On failure the caller
    /// discards this copy, so a forged message never advances the real state.
    mutating func decrypt(_ message: SignalMessage, random: RandomSource) throws(SignalError) -> [UInt8] {
        let chainIndex = try receiverChainIndex(for: message.ratchetKey, random: random)
        let keys = try messageKeys(chainIndex: chainIndex, counter: message.counter)
        guard message.hasValidMAC(macKey: keys.macKey, senderIdentity: remoteIdentity, receiverIdentity: localIdentity) else {
            throw .badMAC
        }
        let plaintext = try signalCrypto { () throws(CryptoError) in
            try AESCBC.decrypt(message.ciphertext, key: keys.cipherKey, iv: keys.iv)
        }
        pendingPreKey = nil
        return plaintext
    }

    private mutating func receiverChainIndex(for theirRatchetKey: Curve25519PublicKey, random: RandomSource) throws(SignalError) -> Int {
        if let index = receiverChains.lastIndex(where: { $0.ratchetKey == theirRatchetKey }) { return index }
        let receiving = try RootKey.createChain(rootKey: rootKey, theirRatchetKey: theirRatchetKey, ourRatchetKey: senderRatchet)
        let newRatchet = try Curve25519KeyPair.generate(using: random)
        let sending = try RootKey.createChain(rootKey: receiving.rootKey, theirRatchetKey: theirRatchetKey, ourRatchetKey: newRatchet)
        rootKey = sending.rootKey
        receiverChains.append(ReceiverChain(ratchetKey: theirRatchetKey, chainKey: receiving.chainKey))
        if receiverChains.count > Self.maxReceiverChains { receiverChains.removeFirst() }
        // libsignal-go computes index - 1 in uint32: a fresh chain reports 0xFFFFFFFF. Peers
        // expect it, and reproducing it keeps our ciphertext byte-identical to whatsmeow's.
        previousCounter = senderChain.index &- 1
        senderRatchet = newRatchet
        senderChain = sending.chainKey
        return receiverChains.count - 1
    }

    private mutating func messageKeys(chainIndex: Int, counter: UInt32) throws(SignalError) -> MessageKeys {
        var chain = receiverChains[chainIndex]
        defer { receiverChains[chainIndex] = chain }
        if chain.chainKey.index > counter {
            guard let skipped = chain.skippedKeys.firstIndex(where: { $0.index == counter }) else {
                throw .duplicateMessage(counter: counter)
            }
            return chain.skippedKeys.remove(at: skipped)
        }
        guard counter - chain.chainKey.index <= Self.maxFutureMessages else { throw .tooFarInFuture(counter: counter) }
        var step = chain.chainKey.advanced()
        while step.keys.index < counter {
            chain.skippedKeys.append(step.keys)
            step = step.next.advanced()
        }
        if chain.skippedKeys.count > Self.maxSkippedKeysPerChain {
            chain.skippedKeys.removeFirst(chain.skippedKeys.count - Self.maxSkippedKeysPerChain)
        }
        chain.chainKey = step.next
        return step.keys
    }
}
