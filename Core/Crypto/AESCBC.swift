import Crypto
import _CryptoExtras

/// AES-256-CBC with PKCS#7 padding, as Signal message bodies and WhatsApp media use it.
public enum AESCBC {
    /// Encrypts and pads `plaintext` under a 32-byte key and 16-byte IV.
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(CryptoError) -> [UInt8] {
        try requireLength(key, 32, "AES key")
        try requireLength(iv, 16, "AES-CBC IV")
        do {
            return Array(try AES._CBC.encrypt(plaintext, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv)))
        } catch {
            throw .invalidKey
        }
    }

    /// Decrypts and unpads; a wrong length or bad padding throws `decryptionFailed`.
    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(CryptoError) -> [UInt8] {
        try requireLength(key, 32, "AES key")
        try requireLength(iv, 16, "AES-CBC IV")
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { throw .decryptionFailed }
        do {
            return Array(try AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv)))
        } catch {
            throw .decryptionFailed
        }
    }
}
