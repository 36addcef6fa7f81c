import CSodium
import Crypto

/// A Curve25519 private key prepared for XEdDSA signing: the clamped scalar, the scalar reduced
/// mod L and the Edwards public key are computed once, so each signature costs one base-point
/// multiplication instead of two.
public struct XEdDSASigningKey: Sendable {
    /// `0xFE || 0xFF * 31`: the domain-separation prefix of the nonce hash.
    private static let noncePrefix: [UInt8] = [0xFE] + [UInt8](repeating: 0xFF, count: 31)

    /// The private key as given (the nonce hash uses it unclamped, as libsignal-go does).
    private let privateKey: [UInt8]
    /// The clamped scalar reduced mod L (the Ed25519 group order).
    private let reducedScalar: [UInt8]
    /// A = aB, whose sign bit each signature carries.
    private let edwardsPublicKey: [UInt8]

    /// Prepares a 32-byte Curve25519 private key.
    public init(privateKey: [UInt8]) throws(CryptoError) {
        try requireLength(privateKey, 32, "private key")
        guard sodiumIsReady else { throw .invalidKey }
        var scalar = privateKey
        scalar[0] &= 248
        scalar[31] &= 127
        scalar[31] |= 64
        var edwardsPublicKey = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_ed25519_base_noclamp(&edwardsPublicKey, scalar) == 0 else { throw .invalidKey }
        self.privateKey = privateKey
        self.reducedScalar = Self.reduced(scalar + [UInt8](repeating: 0, count: 32))
        self.edwardsPublicKey = edwardsPublicKey
    }

    /// Signs `message`.
    /// - Parameter random: the 64-byte nonce input; pass the recorded bytes to reproduce a vector,
    ///   or nil for fresh randomness.
    /// - Returns: the 64-byte signature `R || S` with A's sign bit in bit 7 of byte 63.
    public func signature(for message: [UInt8], random: [UInt8]? = nil) throws(CryptoError) -> [UInt8] {
        let nonceInput = random ?? randomBytes(64)
        try requireLength(nonceInput, 64, "signature random")

        // r = SHA-512(0xFE || 0xFF*31 || a || M || Z) mod L; R = rB.
        var nonceHash = SHA512()
        nonceHash.update(data: Self.noncePrefix)
        nonceHash.update(data: privateKey)
        nonceHash.update(data: message)
        nonceHash.update(data: nonceInput)
        let r = Self.reduced(nonceHash.finalize().withUnsafeBytes { Array($0) })
        var encodedR = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_ed25519_base_noclamp(&encodedR, r) == 0 else { throw .invalidKey }

        // S = r + SHA-512(R || A || M) * a mod L.
        var challengeHash = SHA512()
        challengeHash.update(data: encodedR)
        challengeHash.update(data: edwardsPublicKey)
        challengeHash.update(data: message)
        let h = Self.reduced(challengeHash.finalize().withUnsafeBytes { Array($0) })
        var ha = [UInt8](repeating: 0, count: 32)
        var s = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&ha, h, reducedScalar)
        crypto_core_ed25519_scalar_add(&s, ha, r)
        var signature = encodedR + s
        signature[63] |= edwardsPublicKey[31] & 0x80
        return signature
    }

    /// A 64-byte little-endian value reduced mod L.
    private static func reduced(_ wide: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&out, wide)
        return out
    }
}
