import CSodium

/// libsignal-go's Curve25519 signatures ("XEdDSA" in WhatsApp parlance): Ed25519 signatures made
/// with a Curve25519 private key, where the Edwards sign bit of the public key travels in the top
/// bit of the signature's last byte (see vectors/signal.json `conventions.xeddsa`).
/// `XEdDSASigningKey` and `XEdDSAVerifyingKey` keep the per-key work for keys used repeatedly.
public enum XEdDSA {
    /// Signs `message` with a Curve25519 private key. Like libsignal-go, the scalar is clamped
    /// first while the nonce hash takes the 32 bytes as given (whatsmeow keeps some keys unclamped).
    /// - Parameter random: the 64-byte nonce input; pass the recorded bytes to reproduce a vector,
    ///   or nil for fresh randomness.
    /// - Returns: the 64-byte signature `R || S` with A's sign bit in bit 7 of byte 63.
    public static func sign(privateKey: [UInt8], message: [UInt8], random: [UInt8]? = nil) throws(CryptoError) -> [UInt8] {
        try XEdDSASigningKey(privateKey: privateKey).signature(for: message, random: random)
    }

    /// Verifies a 64-byte signature against a 32-byte X25519 public key. Never throws or traps:
    /// malformed input simply fails verification.
    public static func verify(publicKey: [UInt8], message: [UInt8], signature: [UInt8]) -> Bool {
        guard let key = XEdDSAVerifyingKey(montgomery: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// libsodium must be initialised once before use; a global `let` runs this exactly once.
let sodiumIsReady: Bool = sodium_init() >= 0
