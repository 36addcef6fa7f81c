import Crypto
import Foundation
import WACrypto
import _CryptoExtras

/// The cryptography of phone-number linking (whatsmeow pair-code.go), shared by both sides.
enum LinkCodeCipher {
    /// PBKDF2-HMAC-SHA256 rounds that turn the code into the key wrapping an ephemeral key.
    static let pbkdf2Rounds = 2 << 16
    /// Length of a wrapped ephemeral key: salt(32) ‖ iv(16) ‖ encrypted public key(32).
    static let wrappedKeyLength = 80
    /// Key bundle layout: salt(32) ‖ nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16).
    static let bundleSaltLength = 32
    static let bundleNonceLength = 12
    static let bundleTagLength = 16

    /// salt ‖ iv ‖ AES-256-CTR(PBKDF2(code, salt), iv) of an ephemeral public key.
    static func wrap(_ publicKey: [UInt8], code: String, salt: [UInt8], iv: [UInt8]) throws(PairingError) -> [UInt8] {
        salt + iv + (try ctr(publicKey, code: code, salt: salt, iv: iv))
    }

    /// The ephemeral public key inside `wrapped`; a wrong code gives a wrong key, not an error.
    static func unwrap(_ wrapped: [UInt8], code: String, field: String) throws(PairingError) -> [UInt8] {
        guard wrapped.count == wrappedKeyLength else {
            throw .malformed("<\(field)> has \(wrapped.count) bytes, not \(wrappedKeyLength)")
        }
        return try ctr(Array(wrapped[48..<80]), code: code, salt: Array(wrapped[0..<32]), iv: Array(wrapped[32..<48]))
    }

    private static func ctr(_ bytes: [UInt8], code: String, salt: [UInt8], iv: [UInt8]) throws(PairingError) -> [UInt8]
    {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(code.utf8), salt: salt, using: .sha256, outputByteCount: 32,
                unsafeUncheckedRounds: pbkdf2Rounds)
            return [UInt8](try AES._CTR.encrypt(bytes, using: key, nonce: AES._CTR.Nonce(nonceBytes: iv)))
        } catch {
            throw .malformed("link code cipher: \(error)")
        }
    }

    /// salt ‖ nonce ‖ AES-256-GCM(HKDF(ephemeralShared, salt), nonce, bundle) ‖ tag.
    static func sealBundle(
        _ bundle: [UInt8], ephemeralShared: [UInt8], salt: [UInt8], nonce: [UInt8]
    ) throws(PairingError) -> [UInt8] {
        do {
            let sealed = try AES.GCM.seal(
                bundle, using: bundleKey(ephemeralShared: ephemeralShared, salt: salt),
                nonce: AES.GCM.Nonce(data: nonce))
            return salt + nonce + sealed.ciphertext + sealed.tag
        } catch {
            throw .malformed("key bundle encryption: \(error)")
        }
    }

    /// The bundle inside a sealed one; `wrongCode` when it does not open (the two sides derived
    /// different ephemeral secrets because the codes differed).
    static func openBundle(_ wrapped: [UInt8], ephemeralShared: [UInt8]) throws(PairingError) -> [UInt8] {
        let headerLength = bundleSaltLength + bundleNonceLength
        guard wrapped.count >= headerLength + bundleTagLength else {
            throw .malformed("<link_code_pairing_wrapped_key_bundle> has only \(wrapped.count) bytes")
        }
        let salt = Array(wrapped[0..<bundleSaltLength])
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: wrapped[bundleSaltLength..<headerLength]),
                ciphertext: wrapped[headerLength..<(wrapped.count - bundleTagLength)],
                tag: wrapped[(wrapped.count - bundleTagLength)...])
            return [UInt8](try AES.GCM.open(box, using: bundleKey(ephemeralShared: ephemeralShared, salt: salt)))
        } catch {
            throw .wrongCode
        }
    }

    /// HKDF(ephemeralShared ‖ identityShared ‖ random, info "adv_secret"): keys the pair-success HMAC.
    static func advSecret(ephemeralShared: [UInt8], identityShared: [UInt8], random: [UInt8]) -> [UInt8] {
        HKDFSHA256.derive(ephemeralShared + identityShared + random, info: "adv_secret", count: 32)
    }

    private static func bundleKey(ephemeralShared: [UInt8], salt: [UInt8]) -> SymmetricKey {
        SymmetricKey(
            data: HKDFSHA256.derive(
                ephemeralShared, salt: salt, info: "link_code_pairing_key_bundle_encryption_key", count: 32))
    }

    /// X25519 of our key pair and their 32-byte public key; `failure` when their key is unusable.
    static func sharedSecret(
        _ ours: Curve25519KeyPair, _ theirs: [UInt8], failure: PairingError
    ) throws(PairingError) -> [UInt8] {
        do {
            return try ours.sharedSecret(with: Curve25519PublicKey(theirs))
        } catch {
            throw failure
        }
    }
}
