import Foundation
import Testing
import WACrypto
import WAMedia

/// Decryption refuses every damaged, mismatched or forged file with the error that names why.
@Suite struct MediaRefusalTests {
    let mediaKey = [UInt8](repeating: 0x42, count: 32)
    let plaintext = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) }

    func sealed() throws -> EncryptedMedia {
        try MediaCipher.encrypt(plaintext, type: .document, mediaKey: mediaKey)
    }

    @Test func roundTripsWithARandomKey() throws {
        let encrypted = try MediaCipher.encrypt(plaintext, type: .video)
        #expect(encrypted.info.mediaKey.count == 32 && encrypted.info.mediaKey != mediaKey)
        let decrypted = try MediaCipher.decrypt(
            encrypted.body, type: .video, mediaKey: encrypted.info.mediaKey, fileSha256: encrypted.info.fileSha256,
            fileEncSha256: encrypted.info.fileEncSha256)
        #expect(decrypted == plaintext)
    }

    @Test func refusesAFlippedMACByte() throws {
        var body = try sealed().body
        body[body.count - 3] ^= 0x01
        #expect(throws: MediaError.macMismatch) {
            try MediaCipher.decrypt(body, type: .document, mediaKey: mediaKey)
        }
    }

    @Test func refusesAFlippedCiphertextByte() throws {
        var body = try sealed().body
        body[100] ^= 0x80
        #expect(throws: MediaError.macMismatch) {
            try MediaCipher.decrypt(body, type: .document, mediaKey: mediaKey)
        }
    }

    @Test func checksTheBodyHashBeforeTheMAC() throws {
        let encrypted = try sealed()
        var body = encrypted.body
        body[body.count - 1] ^= 0x01
        #expect(throws: MediaError.encryptedFileHashMismatch) {
            try MediaCipher.decrypt(
                body, type: .document, mediaKey: mediaKey, fileEncSha256: encrypted.info.fileEncSha256)
        }
    }

    @Test func refusesAWrongKeyOrType() throws {
        let body = try sealed().body
        var wrongKey = mediaKey
        wrongKey[0] ^= 1
        #expect(throws: MediaError.macMismatch) { try MediaCipher.decrypt(body, type: .document, mediaKey: wrongKey) }
        #expect(throws: MediaError.macMismatch) { try MediaCipher.decrypt(body, type: .image, mediaKey: mediaKey) }
        #expect(throws: MediaError.invalidMediaKeyLength(31)) {
            try MediaCipher.decrypt(body, type: .document, mediaKey: Array(mediaKey.prefix(31)))
        }
        #expect(throws: MediaError.invalidMediaKeyLength(0)) { try MediaEncryptor(type: .image, mediaKey: []) }
    }

    @Test func refusesTruncatedBodies() throws {
        let body = try sealed().body
        for length in [0, 1, 10, 25] {
            #expect(throws: MediaError.tooShort(length: length)) {
                try MediaCipher.decrypt(Array(body.prefix(length)), type: .document, mediaKey: mediaKey)
            }
        }
        // Cut at a block boundary: the MAC no longer matches. Cut inside a block: same.
        for length in [body.count - 16, body.count - 1, 26] {
            #expect(throws: MediaError.macMismatch) {
                try MediaCipher.decrypt(Array(body.prefix(length)), type: .document, mediaKey: mediaKey)
            }
        }
    }

    @Test func refusesAPlaintextHashMismatch() throws {
        let encrypted = try sealed()
        var wrongHash = encrypted.info.fileSha256
        wrongHash[31] ^= 1
        #expect(throws: MediaError.plaintextHashMismatch) {
            try MediaCipher.decrypt(encrypted.body, type: .document, mediaKey: mediaKey, fileSha256: wrongHash)
        }
        #expect(throws: MediaError.encryptedFileHashMismatch) {
            try MediaCipher.decrypt(encrypted.body, type: .document, mediaKey: mediaKey, fileEncSha256: wrongHash)
        }
    }

    /// Forged bodies whose MAC is right but whose ciphertext is malformed.
    @Test func refusesBadPaddingAndMisalignedCiphertextBehindAValidMAC() throws {
        let keys = try MediaKeys(mediaKey: mediaKey, type: .document)
        // A block of zeros decrypts to a last byte of 0: not PKCS#7.
        let zeros = [UInt8](repeating: 0, count: 16)
        let zeroBlock = Array(try AESCBC.encrypt(zeros, key: keys.cipherKey, iv: keys.iv).prefix(16))
        #expect(throws: MediaError.badPadding) {
            try MediaCipher.decrypt(forged(zeroBlock, keys), type: .document, mediaKey: mediaKey)
        }
        let misaligned = [UInt8](repeating: 7, count: 20)
        #expect(throws: MediaError.ciphertextNotBlockAligned(length: 20)) {
            try MediaCipher.decrypt(forged(misaligned, keys), type: .document, mediaKey: mediaKey)
        }
    }

    @Test func chunkedDecryptionRefusesLikeTheWholeFile() throws {
        var body = try sealed().body
        body[body.count - 3] ^= 0x01
        var decryptor = try MediaDecryptor(type: .document, mediaKey: mediaKey)
        var output: [UInt8] = []
        for start in stride(from: 0, to: body.count, by: 1000) {
            try decryptor.update(Array(body[start..<min(start + 1000, body.count)]), appendingTo: &output)
        }
        #expect(throws: MediaError.macMismatch) { try decryptor.finalize(appendingTo: &output) }
    }

    private func forged(_ ciphertext: [UInt8], _ keys: MediaKeys) -> [UInt8] {
        let mac = HMACSHA256.authenticate(parts: [keys.iv, ciphertext], key: keys.macKey)
        return ciphertext + mac.prefix(MediaCipher.macLength)
    }
}
