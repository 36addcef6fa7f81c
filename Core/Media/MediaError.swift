/// Why a media file could not be encrypted or decrypted.
public enum MediaError: Error, Sendable, Hashable {
    /// A media key that is not 32 bytes long.
    case invalidMediaKeyLength(Int)
    /// An encrypted file shorter than one AES block plus the 10-byte MAC.
    case tooShort(length: Int)
    /// The SHA-256 of the downloaded file is not the message's `fileEncSha256`.
    case encryptedFileHashMismatch
    /// The 10-byte HMAC at the end of the file does not authenticate `iv ‖ ciphertext`: a wrong
    /// key, a wrong media type or a damaged file.
    case macMismatch
    /// The ciphertext before the MAC is not a whole number of AES blocks.
    case ciphertextNotBlockAligned(length: Int)
    /// The last block does not end in valid PKCS#7 padding.
    case badPadding
    /// The SHA-256 of the decrypted file is not the message's `fileSha256`.
    case plaintextHashMismatch
    /// The AES implementation refused to run (it only does so for malformed keys or IVs).
    case cipherUnavailable
}
