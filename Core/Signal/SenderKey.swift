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

    func messageKey() -> SenderMessageKey {
        let derived = HKDFSHA256.derive(HMACSHA256.authenticate([0x01], key: seed), info: "WhisperGroup", count: 48)
        return SenderMessageKey(iteration: iteration, iv: Array(derived[0..<16]), cipherKey: Array(derived[16..<48]))
    }

    func next() -> SenderChainKey { SenderChainKey(iteration: iteration &+ 1, seed: HMACSHA256.authenticate([0x02], key: seed)) }
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

    /// The key for `iteration`, advancing the chain and keeping skipped keys (bounded).
    mutating func messageKey(for iteration: UInt32) throws(SignalError) -> SenderMessageKey {
        if chainKey.iteration > iteration {
            guard let index = skippedKeys.firstIndex(where: { $0.iteration == iteration }) else {
                throw .duplicateMessage(counter: iteration)
            }
            return skippedKeys.remove(at: index)
        }
        guard iteration - chainKey.iteration <= Self.maxFutureMessages else { throw .tooFarInFuture(counter: iteration) }
        var key = chainKey
        while key.iteration < iteration {
            skippedKeys.append(key.messageKey())
            key = key.next()
        }
        if skippedKeys.count > Self.maxSkippedKeys { skippedKeys.removeFirst(skippedKeys.count - Self.maxSkippedKeys) }
        chainKey = key.next()
        return key.messageKey()
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
