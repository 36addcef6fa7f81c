import CSodium
import Crypto

/// libsignal-go's Curve25519 signatures ("XEdDSA" in WhatsApp parlance): Ed25519 signatures made
/// with a Curve25519 private key, where the Edwards sign bit of the public key travels in the top
/// bit of the signature's last byte (see vectors/signal.json `conventions.xeddsa`).
public enum XEdDSA {
    /// Signs `message` with a Curve25519 private key. Like libsignal-go, the scalar is clamped
    /// first while the nonce hash takes the 32 bytes as given (whatsmeow keeps some keys unclamped).
    /// - Parameter random: the 64-byte nonce input; pass the recorded bytes to reproduce a vector,
    ///   or nil for fresh randomness.
    /// - Returns: the 64-byte signature `R || S` with A's sign bit in bit 7 of byte 63.
    public static func sign(privateKey: [UInt8], message: [UInt8], random: [UInt8]? = nil) throws(CryptoError) -> [UInt8] {
        try requireLength(privateKey, 32, "private key")
        let nonceInput = random ?? randomBytes(64)
        try requireLength(nonceInput, 64, "signature random")
        guard sodiumIsReady else { throw .invalidKey }

        var scalar = privateKey
        scalar[0] &= 248
        scalar[31] &= 127
        scalar[31] |= 64
        var edwardsPublic = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_ed25519_base_noclamp(&edwardsPublic, scalar) == 0 else { throw .invalidKey }

        // r = SHA-512(0xFE || 0xFF*31 || a || M || Z) mod L; R = rB.
        var nonceHash = SHA512()
        nonceHash.update(data: [0xFE] + [UInt8](repeating: 0xFF, count: 31))
        nonceHash.update(data: privateKey)
        nonceHash.update(data: message)
        nonceHash.update(data: nonceInput)
        let r = reduced(Array(nonceHash.finalize()))
        var encodedR = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_ed25519_base_noclamp(&encodedR, r) == 0 else { throw .invalidKey }

        // S = r + SHA-512(R || A || M) * a mod L.
        var challengeHash = SHA512()
        challengeHash.update(data: encodedR)
        challengeHash.update(data: edwardsPublic)
        challengeHash.update(data: message)
        let h = reduced(Array(challengeHash.finalize()))
        let a = reduced(scalar + [UInt8](repeating: 0, count: 32))
        var ha = [UInt8](repeating: 0, count: 32)
        var s = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&ha, h, a)
        crypto_core_ed25519_scalar_add(&s, ha, r)

        var signature = encodedR + s
        signature[63] |= edwardsPublic[31] & 0x80
        return signature
    }

    /// Verifies a 64-byte signature against a 32-byte X25519 public key. Never throws or traps:
    /// malformed input simply fails verification.
    public static func verify(publicKey: [UInt8], message: [UInt8], signature: [UInt8]) -> Bool {
        guard publicKey.count == 32, signature.count == 64, sodiumIsReady else { return false }
        // Edwards y = (u - 1) / (u + 1); the unused top bit of u is masked as libsignal does.
        var montgomery = publicKey
        montgomery[31] &= 0x7F
        let u = FieldElement25519(bytes: montgomery)
        var edwardsPublic = ((u - .one) * (u + .one).inverted()).bytes
        edwardsPublic[31] |= signature[63] & 0x80
        var ed25519Signature = signature
        ed25519Signature[63] &= 0x7F
        return crypto_sign_ed25519_verify_detached(
            ed25519Signature, message, UInt64(message.count), edwardsPublic) == 0
    }

    /// A 64-byte little-endian value reduced mod L (the Ed25519 group order).
    private static func reduced(_ wide: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&out, wide)
        return out
    }
}

/// libsodium must be initialised once before use; a global `let` runs this exactly once.
let sodiumIsReady: Bool = sodium_init() >= 0
