import WACrypto

/// WhatsApp's media encryption for files already in memory. `MediaEncryptor` and
/// `MediaDecryptor` do the same for files that arrive in chunks.
public enum MediaCipher {
    /// The MAC appended to the ciphertext: the first 10 bytes of HMAC-SHA256(macKey, iv ‖ ciphertext).
    public static let macLength = 10

    /// Encrypts `plaintext` as a file of `type` under `mediaKey` (fresh and random unless a test
    /// fixes it).
    public static func encrypt(
        _ plaintext: [UInt8], type: MediaType, mediaKey: [UInt8] = randomBytes(MediaKeys.mediaKeyLength)
    ) throws(MediaError) -> EncryptedMedia {
        var encryptor = try MediaEncryptor(type: type, mediaKey: mediaKey)
        var body: [UInt8] = []
        body.reserveCapacity(encryptedLength(ofPlaintextLength: plaintext.count))
        try encryptor.update(plaintext, appendingTo: &body)
        let info = try encryptor.finalize(appendingTo: &body)
        return EncryptedMedia(body: body, info: info)
    }

    /// Decrypts a downloaded `body` (ciphertext ‖ MAC) of `type`, checking the hashes the message
    /// gave (nil ones are skipped) and the MAC; no plaintext comes out unless every check passes.
    public static func decrypt(
        _ body: [UInt8], type: MediaType, mediaKey: [UInt8], fileSha256: [UInt8]? = nil,
        fileEncSha256: [UInt8]? = nil
    ) throws(MediaError) -> [UInt8] {
        var decryptor = try MediaDecryptor(
            type: type, mediaKey: mediaKey, fileSha256: fileSha256, fileEncSha256: fileEncSha256)
        var plaintext: [UInt8] = []
        plaintext.reserveCapacity(body.count)
        try decryptor.update(body, appendingTo: &plaintext)
        try decryptor.finalize(appendingTo: &plaintext)
        return plaintext
    }

    /// The upload body's length for a plaintext of `length` bytes: padded to whole blocks (a full
    /// block of padding when already aligned), plus the MAC.
    public static func encryptedLength(ofPlaintextLength length: Int) -> Int {
        (length / 16 + 1) * 16 + macLength
    }
}
