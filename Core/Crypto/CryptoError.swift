/// Failures of the WACrypto primitives. Every malformed input ends in one of these, never a trap.
public enum CryptoError: Error, Equatable, Sendable {
    /// A key, nonce or IV had the wrong number of bytes.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// A serialized public key did not start with the 0x05 (Curve25519) type byte.
    case unknownKeyType(UInt8)
    /// X25519 or an Ed25519 operation rejected its input (e.g. a low-order point).
    case invalidKey
    /// AES decryption failed: bad padding, bad length or a failed authentication tag.
    case decryptionFailed
}

@inline(__always)
func requireLength(_ bytes: [UInt8], _ expected: Int, _ what: String) throws(CryptoError) {
    guard bytes.count == expected else {
        throw .invalidLength(what: what, expected: expected, actual: bytes.count)
    }
}
