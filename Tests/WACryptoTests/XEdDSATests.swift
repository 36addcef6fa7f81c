import Foundation
import Testing
import WACrypto
import WagoTestSupport

private func bytes(_ object: Any?) -> [UInt8] {
    guard let hex = object as? String, let data = Data(hex: hex) else { return [] }
    return Array(data)
}

private func cases(_ kind: String) throws -> [[String: Any]] {
    let root = try SharedData.json("vectors/signal.json")
    let all = root["cases"] as? [[String: Any]] ?? []
    return all.filter { $0["kind"] as? String == kind }
}

@Suite struct XEdDSATests {
    @Test func verifyCasesMatchVectors() throws {
        let vectors = try cases("xeddsa_verify")
        #expect(vectors.count == 12)
        for vector in vectors {
            let valid = XEdDSA.verify(
                publicKey: bytes(vector["public_hex"]), message: bytes(vector["message_hex"]),
                signature: bytes(vector["signature_hex"]))
            #expect(valid == (vector["valid"] as? Bool), "\(vector["description"] ?? "")")
        }
    }

    @Test func signingWithRecordedNonceReproducesSignatures() throws {
        for vector in try cases("xeddsa_verify") where vector["random_nonce_hex"] != nil {
            let signature = try XEdDSA.sign(
                privateKey: bytes(vector["private_hex"]), message: bytes(vector["message_hex"]),
                random: bytes(vector["random_nonce_hex"]))
            #expect(signature == bytes(vector["signature_hex"]), "\(vector["description"] ?? "")")
        }
    }

    @Test func signedPrekeySignaturesFromUnclampedKeys() throws {
        let vectors = try cases("signed_prekey_signature")
        #expect(vectors.count == 2)
        for vector in vectors {
            let identity = try Curve25519KeyPair(privateKey: bytes(vector["identity_private_hex"]))
            #expect(identity.publicKey.bytes == bytes(vector["identity_public_hex"]))
            let signedPrekey = try Curve25519KeyPair(privateKey: bytes(vector["signed_prekey_private_hex"]))
            #expect(signedPrekey.publicKey.serialized == bytes(vector["signed_message_hex"]))
            let signature = try XEdDSA.sign(
                privateKey: identity.privateKey, message: signedPrekey.publicKey.serialized,
                random: bytes(vector["random_nonce_hex"]))
            #expect(signature == bytes(vector["signature_hex"]))
            #expect(XEdDSA.verify(publicKey: identity.publicKey.bytes, message: signedPrekey.publicKey.serialized, signature: signature))
        }
    }

    @Test func randomSignaturesVerifyAndMalformedInputFails() throws {
        let pair = Curve25519KeyPair.generate()
        let message = Array("hello".utf8)
        let signature = try XEdDSA.sign(privateKey: pair.privateKey, message: message)
        #expect(XEdDSA.verify(publicKey: pair.publicKey.bytes, message: message, signature: signature))
        #expect(!XEdDSA.verify(publicKey: pair.publicKey.bytes, message: message, signature: Array(signature.prefix(63))))
        #expect(!XEdDSA.verify(publicKey: [], message: message, signature: signature))
        #expect(throws: CryptoError.self) { try XEdDSA.sign(privateKey: [1, 2], message: message) }
    }
}
