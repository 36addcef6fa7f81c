import WACrypto

/// Why a Signal operation failed. Malformed input always ends here, never in a trap.
public enum SignalError: Error, Equatable, Sendable {
    /// The bytes are not a well-formed message or record (too short, bad protobuf, missing field).
    case invalidMessage(String)
    /// The message's version nibble is not 3 (libsignal's current and only supported version).
    case unsupportedVersion(UInt8)
    /// The 8-byte MAC of a SignalMessage did not match.
    case badMAC
    /// The message key for this counter/iteration was already used (a replay or duplicate).
    case duplicateMessage(counter: UInt32)
    /// The counter is further ahead than libsignal allows keys to be skipped (2000).
    case tooFarInFuture(counter: UInt32)
    /// There is no session with this address.
    case noSession
    /// The PreKeySignalMessage names a one-time prekey we do not have (already used or never issued).
    case unknownPreKey(UInt32)
    /// The PreKeySignalMessage names a signed prekey we do not have.
    case unknownSignedPreKey(UInt32)
    /// The peer's identity key differs from the one we trust for this address.
    case untrustedIdentity
    /// A signature (signed prekey or sender key message) did not verify.
    case invalidSignature
    /// No sender key state exists for this group sender, or none with the message's key id.
    case noSenderKey(keyID: UInt32?)
    /// AES decryption failed (wrong key material or corrupt ciphertext).
    case decryptionFailed
    /// whatsmeow-style padding is missing or malformed.
    case invalidPadding
    /// A key had the wrong length or type.
    case invalidKey(CryptoError)
}

/// Runs a WACrypto operation, reporting its failure as a `SignalError`.
@inline(__always)
func signalCrypto<T>(_ body: () throws(CryptoError) -> T) throws(SignalError) -> T {
    do { return try body() } catch .decryptionFailed { throw .decryptionFailed } catch { throw .invalidKey(error) }
}
