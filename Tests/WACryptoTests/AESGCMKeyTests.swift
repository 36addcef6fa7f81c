import Foundation
import Testing
import WACrypto
import WagoTestSupport

/// Both engines of `AESGCMKey` (libsodium's precomputed state where the CPU has AES-NI, and
/// swift-crypto) against the GCM specification's vectors and against each other.
@Suite struct AESGCMKeyTests {
    /// The engines this machine can run: the hardware one only where it exists.
    static let engines: [Bool] = AESGCMKey.hasHardwareEngine ? [true, false] : [false]

    @Test("the GCM specification's AES-256 test cases 13, 14 and 16", arguments: engines)
    func specificationVectors(hardware: Bool) throws {
        let cases: [(key: String, nonce: String, ad: String, plaintext: String, sealed: String)] = [
            (String(repeating: "00", count: 32), String(repeating: "00", count: 12), "", "",
             "530f8afbc74536b9a963b4f1c4cb738b"),
            (String(repeating: "00", count: 32), String(repeating: "00", count: 12), "", String(repeating: "00", count: 16),
             "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"),
            (String(repeating: "feffe9928665731c6d6a8f9467308308", count: 2), "cafebabefacedbaddecaf888",
             "feedfacedeadbeeffeedfacedeadbeefabaddad2",
             "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
             "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b"),
        ]
        for vector in cases {
            let bytes = { (hex: String) in try #require(Data(hex: hex)).map { $0 } }
            let key = try AESGCMKey(try bytes(vector.key), hardware: hardware)
            let (nonce, ad) = (try bytes(vector.nonce), try bytes(vector.ad))
            let sealed = try key.seal(try bytes(vector.plaintext), nonce: nonce, authenticating: ad)
            #expect(Data(sealed).hex == vector.sealed)
            #expect(try key.open(sealed, nonce: nonce, authenticating: ad) == (try bytes(vector.plaintext)))
        }
    }

    @Test("the engines give the same bytes and open each other's, at every length up to 70")
    func enginesAgree() throws {
        let keyBytes = randomBytes(32)
        let engines = try Self.engines.map { try AESGCMKey(keyBytes, hardware: $0) }
        for length in 0...70 {
            let (plaintext, nonce, ad) = (randomBytes(length), randomBytes(12), randomBytes(length % 7))
            let sealed = try engines.map { try $0.seal(plaintext, nonce: nonce, authenticating: ad) }
            #expect(Set(sealed).count == 1)
            for engine in engines {
                #expect(try engine.open(sealed[0], nonce: nonce, authenticating: ad) == plaintext)
            }
        }
    }

    @Test("a changed byte, nonce or associated data, or a short input, fails to open", arguments: engines)
    func tamperingFails(hardware: Bool) throws {
        let key = try AESGCMKey(randomBytes(32), hardware: hardware)
        let (nonce, ad) = (randomBytes(12), [UInt8]("h".utf8))
        let sealed = try key.seal(Array("a frame".utf8), nonce: nonce, authenticating: ad)
        for index in sealed.indices {
            var changed = sealed
            changed[index] ^= 0x01
            #expect(throws: CryptoError.decryptionFailed) { try key.open(changed, nonce: nonce, authenticating: ad) }
        }
        var otherNonce = nonce
        otherNonce[11] ^= 1
        #expect(throws: CryptoError.decryptionFailed) { try key.open(sealed, nonce: otherNonce, authenticating: ad) }
        #expect(throws: CryptoError.decryptionFailed) { try key.open(sealed, nonce: nonce) }
        #expect(throws: CryptoError.decryptionFailed) { try key.open(Array(sealed.prefix(15)), nonce: nonce) }
        #expect(throws: CryptoError.invalidLength(what: "AES-GCM nonce", expected: 12, actual: 8)) {
            try key.open(sealed, nonce: Array(nonce.prefix(8)))
        }
        #expect(throws: CryptoError.invalidLength(what: "AES-256-GCM key", expected: 32, actual: 16)) {
            try AESGCMKey(randomBytes(16), hardware: hardware)
        }
    }
}
