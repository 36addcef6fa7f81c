import WACrypto

/// Keys for one double-ratchet message: HKDF(seed, "WhisperMessageKeys", 80) split 32/32/16.
struct MessageKeys: Sendable, Equatable {
    let cipherKey: [UInt8]
    let macKey: [UInt8]
    let iv: [UInt8]
    let index: UInt32
}

/// The inputs both symmetric ratchets (1:1 chains and sender chains) HMAC their chain key with.
enum ChainStep {
    /// HMAC(chain key, 0x01) seeds the message keys.
    static let messageKeySeed: [UInt8] = [0x01]
    /// HMAC(chain key, 0x02) is the next chain key.
    static let nextChainKey: [UInt8] = [0x02]
}

/// A symmetric-ratchet chain key: seed = HMAC(key, 0x01) for message keys, HMAC(key, 0x02) for the next key.
struct ChainKey: Sendable, Equatable {
    private static let messageKeysInfo = Array("WhisperMessageKeys".utf8)

    let key: [UInt8]
    let index: UInt32

    func messageKeys() -> MessageKeys { messageKeys(seed: HMACSHA256.authenticate(ChainStep.messageKeySeed, key: key)) }

    func next() -> ChainKey { ChainKey(key: HMACSHA256.authenticate(ChainStep.nextChainKey, key: key), index: index &+ 1) }

    /// This step's message keys and the next chain key, preparing the HMAC key once for both.
    func advanced() -> (keys: MessageKeys, next: ChainKey) {
        let hmac = HMACSHA256Key(key)
        let keys = messageKeys(seed: hmac.authenticate(ChainStep.messageKeySeed))
        return (keys, ChainKey(key: hmac.authenticateLast(ChainStep.nextChainKey), index: index &+ 1))
    }

    private func messageKeys(seed: [UInt8]) -> MessageKeys {
        let derived = HKDFSHA256.derive(seed, info: Self.messageKeysInfo, count: 80)
        return MessageKeys(
            cipherKey: Array(derived[0..<32]), macKey: Array(derived[32..<64]), iv: Array(derived[64..<80]), index: index)
    }
}

/// The DH-ratchet step: HKDF(DH(ours, theirs), salt: root key, "WhisperRatchet", 64) -> new root || chain.
enum RootKey {
    static func createChain(
        rootKey: [UInt8], theirRatchetKey: Curve25519PublicKey, ourRatchetKey: Curve25519KeyPair
    ) throws(SignalError) -> (rootKey: [UInt8], chainKey: ChainKey) {
        let secret = try signalCrypto { () throws(CryptoError) in try ourRatchetKey.sharedSecret(with: theirRatchetKey) }
        let derived = HKDFSHA256.derive(secret, salt: rootKey, info: "WhisperRatchet", count: 64)
        return (Array(derived[0..<32]), ChainKey(key: Array(derived[32..<64]), index: 0))
    }
}

/// Where random bytes come from. Production passes `randomBytes`; vector tests replay recorded bytes.
public typealias RandomSource = @Sendable (Int) -> [UInt8]

extension Curve25519KeyPair {
    /// A key pair from 32 random bytes, clamped as libsignal's `GenerateKeyPair` does.
    static func generate(using random: RandomSource) throws(SignalError) -> Curve25519KeyPair {
        let seed = random(32)
        return try signalCrypto { () throws(CryptoError) in try Curve25519KeyPair(clamping: seed) }
    }
}
