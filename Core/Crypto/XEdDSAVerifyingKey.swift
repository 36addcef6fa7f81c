import CSodium

/// A Curve25519 public key converted to the Edwards form Ed25519 verification needs. The
/// conversion (a field inversion) costs about a tenth of a verification, so a key that checks
/// many signatures, such as a group sender's signing key, converts once.
public struct XEdDSAVerifyingKey: Sendable, Equatable {
    /// Edwards y = (u - 1) / (u + 1), sign bit clear (each signature supplies it).
    private let edwardsPublicKey: [UInt8]

    /// Converts a 32-byte X25519 public key; nil when it is not 32 bytes.
    public init?(montgomery publicKey: [UInt8]) {
        guard publicKey.count == 32 else { return nil }
        edwardsPublicKey = Self.edwardsY(montgomery: publicKey)
    }

    /// Converts a Curve25519 public key.
    public init(_ publicKey: Curve25519PublicKey) {
        edwardsPublicKey = Self.edwardsY(montgomery: publicKey.bytes)
    }

    private static func edwardsY(montgomery publicKey: [UInt8]) -> [UInt8] {
        // The unused top bit of u is masked as libsignal does.
        var montgomery = publicKey
        montgomery[31] &= 0x7F
        let u = FieldElement25519(bytes: montgomery)
        return ((u - .one) * (u + .one).inverted()).bytes
    }

    /// Whether `signature` (64 bytes) signs `message`. Never throws or traps: malformed input
    /// simply fails verification.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, sodiumIsReady else { return false }
        var edwards = edwardsPublicKey
        edwards[31] |= signature[63] & 0x80
        var ed25519Signature = signature
        ed25519Signature[63] &= 0x7F
        return crypto_sign_ed25519_verify_detached(ed25519Signature, message, UInt64(message.count), edwards) == 0
    }
}
