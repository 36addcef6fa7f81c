import WACrypto

/// Keys for one double-ratchet message: HKDF(seed, "WhisperMessageKeys", 80) split 32/32/16.
struct MessageKeys: Sendable, Equatable {
    let cipherKey: [UInt8]
    let macKey: [UInt8]
    let iv: [UInt8]
    let index: UInt32
}

/// A symmetric-ratchet chain key: seed = HMAC(key, 0x01) for message keys, HMAC(key, 0x02) for the next key.
struct ChainKey: Sendable, Equatable {
    let key: [UInt8]
    let index: UInt32

    func messageKeys() -> MessageKeys {
        let seed = HMACSHA256.authenticate([0x01], key: key)
        let derived = HKDFSHA256.derive(seed, info: "WhisperMessageKeys", count: 80)
        return MessageKeys(
            cipherKey: Array(derived[0..<32]), macKey: Array(derived[32..<64]), iv: Array(derived[64..<80]), index: index)
    }

    func next() -> ChainKey { ChainKey(key: HMACSHA256.authenticate([0x02], key: key), index: index &+ 1) }
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
