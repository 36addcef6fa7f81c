import Foundation
import Testing
import WAMedia
import WagoTestSupport

/// Every expansion and upload of `media.json`, byte for byte.
@Suite struct MediaVectorTests {
    @Test func expandsEveryMediaKeyLikeWhatsmeow() throws {
        let vectors = try MediaVectors.load()
        #expect(vectors.hkdfCases.count == 16)
        for vector in vectors.hkdfCases {
            let type = try #require(MediaVectors.type(named: vector.mediaType))
            #expect(type.hkdfInfo == vector.hkdfInfo)
            let keys = try MediaKeys(mediaKey: bytes(vector.mediaKeyHex), type: type)
            #expect(keys.iv + keys.cipherKey + keys.macKey + keys.refKey == (try bytes(vector.expanded112Hex)))
            #expect(keys.iv == (try bytes(vector.ivHex)))
            #expect(keys.cipherKey == (try bytes(vector.cipherKeyHex)))
            #expect(keys.macKey == (try bytes(vector.macKeyHex)))
            #expect(keys.refKey == (try bytes(vector.refKeyHex)))
        }
        #expect(Set(vectors.hkdfCases.compactMap { MediaVectors.type(named: $0.mediaType) }) == Set(MediaType.allCases))
    }

    @Test func encryptsEveryUploadLikeWhatsmeow() throws {
        let vectors = try MediaVectors.load()
        #expect(vectors.cases.count == 13)
        for vector in vectors.cases {
            let type = try #require(MediaVectors.type(named: vector.mediaType))
            let plaintext = try bytes(vector.plaintextHex)
            #expect(plaintext == (0..<vector.fileLength).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) })
            let mediaKey = try bytes(vector.mediaKeyHex)
            let keys = try MediaKeys(mediaKey: mediaKey, type: type)
            let expectedKeys = try [vector.ivHex, vector.cipherKeyHex, vector.macKeyHex, vector.refKeyHex].map(bytes)
            #expect([keys.iv, keys.cipherKey, keys.macKey, keys.refKey] == expectedKeys)

            let encrypted = try MediaCipher.encrypt(plaintext, type: type, mediaKey: mediaKey)
            let ciphertext = try bytes(vector.ciphertextHex)
            #expect(Array(encrypted.body.dropLast(MediaCipher.macLength)) == ciphertext, "\(vector.description)")
            #expect(Array(encrypted.body.suffix(MediaCipher.macLength)) == (try bytes(vector.mac10Hex)))
            #expect(try bytes(vector.hmacSha256FullHex).prefix(10).elementsEqual(encrypted.body.suffix(10)))
            #expect(encrypted.body == (try bytes(vector.encFileHex)))
            #expect(encrypted.body.count == vector.encFileLength)
            #expect(MediaCipher.encryptedLength(ofPlaintextLength: plaintext.count) == vector.encFileLength)
            #expect(
                encrypted.info
                    == MediaFileInfo(
                        mediaKey: mediaKey, fileSha256: try bytes(vector.fileSha256Hex),
                        fileEncSha256: try bytes(vector.fileEncSha256Hex), fileLength: UInt64(vector.fileLength)))
        }
    }

    @Test func decryptsEveryUploadWithItsHashes() throws {
        for vector in try MediaVectors.load().cases {
            let type = try #require(MediaVectors.type(named: vector.mediaType))
            let plaintext = try MediaCipher.decrypt(
                bytes(vector.encFileHex), type: type, mediaKey: bytes(vector.mediaKeyHex),
                fileSha256: bytes(vector.fileSha256Hex), fileEncSha256: bytes(vector.fileEncSha256Hex))
            #expect(plaintext == (try bytes(vector.plaintextHex)), "\(vector.description)")
        }
    }

    @Test func buildsEveryUploadURLLikeWhatsmeow() throws {
        for vector in try MediaVectors.load().cases {
            let type = try #require(MediaVectors.type(named: vector.mediaType))
            let request = vector.uploadRequest
            #expect(request.method == "POST")
            let auth = try #require(request.query["auth"])
            let token = try #require(request.query["token"])
            let url = MediaURL.upload(
                host: "mmg.whatsapp.net", auth: auth, type: type, fileEncSha256: try bytes(vector.fileEncSha256Hex))
            let escapedToken = token.replacingOccurrences(of: "=", with: "%3D")
            #expect(url == "https://mmg.whatsapp.net\(request.path)?auth=\(auth)&token=\(escapedToken)")
            #expect(request.path == "/mms/\(type.mmsType)/\(token)")
            #expect(MediaURL.token(for: try bytes(vector.fileEncSha256Hex)) == token)
        }
    }

    /// Chunk sizes that split blocks, the MAC and the held-back tail in every way.
    @Test(arguments: [1, 5, 15, 16, 17, 26, 27, 100, 4096])
    func chunkedEncryptionAndDecryptionMatchTheVectors(chunkSize: Int) throws {
        for vector in try MediaVectors.load().cases {
            let type = try #require(MediaVectors.type(named: vector.mediaType))
            let mediaKey = try bytes(vector.mediaKeyHex)
            let plaintext = try bytes(vector.plaintextHex)
            let body = try bytes(vector.encFileHex)

            var encryptor = try MediaEncryptor(type: type, mediaKey: mediaKey)
            var encrypted: [UInt8] = []
            for start in stride(from: 0, to: plaintext.count, by: chunkSize) {
                let chunk = Array(plaintext[start..<min(start + chunkSize, plaintext.count)])
                try encryptor.update(chunk, appendingTo: &encrypted)
            }
            let info = try encryptor.finalize(appendingTo: &encrypted)
            #expect(encrypted == body)
            #expect(info.fileEncSha256 == (try bytes(vector.fileEncSha256Hex)))

            var decryptor = try MediaDecryptor(
                type: type, mediaKey: mediaKey, fileSha256: bytes(vector.fileSha256Hex),
                fileEncSha256: bytes(vector.fileEncSha256Hex))
            var decrypted: [UInt8] = []
            for start in stride(from: 0, to: body.count, by: chunkSize) {
                try decryptor.update(Array(body[start..<min(start + chunkSize, body.count)]), appendingTo: &decrypted)
            }
            try decryptor.finalize(appendingTo: &decrypted)
            #expect(decrypted == plaintext, "\(vector.description), chunks of \(chunkSize)")
        }
    }
}
