import WACrypto

/// Keys for one group message: HKDF(seed, "WhisperGroup", 48) -> iv(16) || cipher key(32).
struct SenderMessageKey: Sendable, Equatable {
    let iteration: UInt32
    let iv: [UInt8]
    let cipherKey: [UInt8]
}

/// The sender chain: seed = HMAC(key, 0x01) for message keys, HMAC(key, 0x02) for the next key.
struct SenderChainKey: Sendable, Equatable {
    let iteration: UInt32
    let seed: [UInt8]

    private static let messageKeyInfo = Array("WhisperGroup".utf8)

    func messageKey() -> SenderMessageKey { messageKey(from: HMACSHA256.authenticate(ChainStep.messageKeySeed, key: seed)) }

    func next() -> SenderChainKey {
        SenderChainKey(iteration: iteration &+ 1, seed: HMACSHA256.authenticate(ChainStep.nextChainKey, key: seed))
    }

    /// This iteration's message key and the next chain key, preparing the HMAC key once for both.
    func advanced() -> (key: SenderMessageKey, next: SenderChainKey) {
        let hmac = HMACSHA256Key(seed)
        let key = messageKey(from: hmac.authenticate(ChainStep.messageKeySeed))
        return (key, SenderChainKey(iteration: iteration &+ 1, seed: hmac.authenticateLast(ChainStep.nextChainKey)))
    }

    private func messageKey(from keySeed: [UInt8]) -> SenderMessageKey {
        let derived = HKDFSHA256.derive(keySeed, info: Self.messageKeyInfo, count: 48)
        return SenderMessageKey(iteration: iteration, iv: Array(derived[0..<16]), cipherKey: Array(derived[16..<48]))
    }
}

/// One sender key generation of one group sender (libsignal's `SenderKeyState`).
struct SenderKeyState: Sendable {
    static let maxSkippedKeys = 2000
    static let maxFutureMessages: UInt32 = 2000

    let keyID: UInt32
    var chainKey: SenderChainKey
    let signingPublicKey: Curve25519PublicKey
    /// Present only for our own sender keys.
    let signingPrivateKey: [UInt8]?
    var skippedKeys: [SenderMessageKey] = []
    /// `signingPrivateKey` prepared for signing, kept from the first message signed with it
    /// (not stored: a record restored from storage prepares it again).
    private var signingKey: XEdDSASigningKey?
    /// `signingPublicKey` in Edwards form, kept from the first message verified with it.
    private var verifyingKey: XEdDSAVerifyingKey?

    init(keyID: UInt32, chainKey: SenderChainKey, signingPublicKey: Curve25519PublicKey, signingPrivateKey: [UInt8]?) {
        self.keyID = keyID
        self.chainKey = chainKey
        self.signingPublicKey = signingPublicKey
        self.signingPrivateKey = signingPrivateKey
    }

    /// The key our messages are signed with; nil for other senders' keys.
    mutating func preparedSigningKey() throws(SignalError) -> XEdDSASigningKey? {
        if let signingKey { return signingKey }
        guard let signingPrivateKey else { return nil }
        let prepared = try signalCrypto { () throws(CryptoError) in try XEdDSASigningKey(privateKey: signingPrivateKey) }
        signingKey = prepared
        return prepared
    }

    /// The key this sender's messages are verified with.
    mutating func preparedVerifyingKey() -> XEdDSAVerifyingKey {
        if let verifyingKey { return verifyingKey }
        let prepared = XEdDSAVerifyingKey(signingPublicKey)
        verifyingKey = prepared
        return prepared
    }

    /// The key for `iteration`, advancing the chain and keeping skipped keys (bounded).
    mutating func messageKey(for iteration: UInt32) throws(SignalError) -> SenderMessageKey {
        if chainKey.iteration > iteration {
            guard let index = skippedKeys.firstIndex(where: { $0.iteration == iteration }) else {
                throw .duplicateMessage(counter: iteration)
            }
            return skippedKeys.remove(at: index)
        }
        guard iteration - chainKey.iteration <= Self.maxFutureMessages else { throw .tooFarInFuture(counter: iteration) }
        var step = chainKey.advanced()
        while step.key.iteration < iteration {
            skippedKeys.append(step.key)
            step = step.next.advanced()
        }
        if skippedKeys.count > Self.maxSkippedKeys { skippedKeys.removeFirst(skippedKeys.count - Self.maxSkippedKeys) }
        chainKey = step.next
        return step.key
    }
}

/// All sender key generations we hold for one (group, sender device), newest first, at most 5.
public struct SenderKeyRecord: Sendable {
    static let maxStates = 5

    var states: [SenderKeyState] = []

    /// An empty record.
    public init() {}

    /// Whether no sender key is known yet.
    public var isEmpty: Bool { states.isEmpty }

    mutating func add(_ state: SenderKeyState) {
        // A repeated distribution message must not rewind an existing chain (that would re-open used keys).
        guard !states.contains(where: { $0.keyID == state.keyID && $0.signingPublicKey == state.signingPublicKey }) else { return }
        states.insert(state, at: 0)
        if states.count > Self.maxStates { states.removeLast(states.count - Self.maxStates) }
    }
}
