import Foundation
import Testing
import WACrypto
import WagoTestSupport

@Suite struct PrimitiveTests {
    @Test func hkdfMatchesLibsignalVectors() throws {
        let root = try SharedData.json("vectors/signal.json")
        let all = root["cases"] as? [[String: Any]] ?? []
        let hkdf = try #require(all.first { $0["kind"] as? String == "kdf_hkdf" })
        let vectors = try #require(hkdf["cases"] as? [[String: Any]])
        for vector in vectors {
            let ikm = try #require(Data(hex: vector["ikm_hex"] as? String ?? ""))
            let salt = (vector["salt_hex"] as? String).flatMap { Data(hex: $0) } ?? Data()
            let okm = HKDFSHA256.derive(
                Array(ikm), salt: Array(salt), info: vector["info"] as? String ?? "",
                count: vector["length"] as? Int ?? 0)
            #expect(Data(okm).hex == vector["okm_hex"] as? String)
        }
    }

    @Test func hmacMatchesRFC4231() {
        let short = HMACSHA256.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(Data(short).hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let longKey = [UInt8](repeating: 0xAA, count: 131)
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        let long = HMACSHA256.authenticate(message, key: longKey)
        #expect(Data(long).hex == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(HMACSHA256.verify(Array(long.prefix(10)), parts: [Array(message.prefix(4)), Array(message.dropFirst(4))], key: longKey))
        #expect(!HMACSHA256.verify([], parts: [message], key: longKey))
        #expect(!HMACSHA256.verify(long + [0], parts: [message], key: longKey))
    }

    @Test func keyPairClampsAndSerialises() throws {
        let pair = try Curve25519KeyPair(clamping: [UInt8](repeating: 0xFF, count: 32))
        #expect(pair.privateKey.first == 0xF8 && pair.privateKey.last == 0x7F)
        let parsed = try Curve25519PublicKey(serialized: pair.publicKey.serialized)
        #expect(parsed == pair.publicKey)
        #expect(throws: CryptoError.unknownKeyType(0x06)) { try Curve25519PublicKey(serialized: [0x06] + pair.publicKey.bytes) }
        #expect(throws: CryptoError.self) { try Curve25519PublicKey(serialized: [0x05]) }
    }

    @Test func aesCBCRoundTripsAndRejectsGarbage() throws {
        let key = [UInt8](repeating: 7, count: 32), iv = [UInt8](repeating: 9, count: 16)
        let sealed = try AESCBC.encrypt(Array("attack at dawn".utf8), key: key, iv: iv)
        #expect(sealed.count == 16)
        #expect(try AESCBC.decrypt(sealed, key: key, iv: iv) == Array("attack at dawn".utf8))
        #expect(throws: CryptoError.decryptionFailed) { try AESCBC.decrypt([1, 2, 3], key: key, iv: iv) }
        #expect(throws: CryptoError.self) { try AESCBC.encrypt([], key: [1], iv: iv) }
    }
}
