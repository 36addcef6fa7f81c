import Crypto
import _CryptoExtras
import Foundation

/// AES-256-CBC with PKCS#7 padding, as Signal message bodies and WhatsApp media use it.
/// Padding is applied and checked here and swift-crypto runs unpadded on a `Data` it can use
/// as is: its generic `[UInt8]` path converts, appends and re-copies, several times the cost
/// of the cipher itself on a short message.
public enum AESCBC {
    private static let blockSize = 16

    /// Encrypts and pads `plaintext` under a 32-byte key and 16-byte IV.
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(CryptoError) -> [UInt8] {
        try requireLength(key, 32, "AES key")
        try requireLength(iv, 16, "AES-CBC IV")
        let padLength = blockSize - plaintext.count % blockSize
        var padded = Data(count: plaintext.count + padLength)
        padded.withUnsafeMutableBytes { buffer in
            plaintext.withUnsafeBytes { buffer.copyMemory(from: $0) }
            buffer[plaintext.count...].initializeMemory(as: UInt8.self, repeating: UInt8(padLength))
        }
        do {
            let ciphertext = try AES._CBC.encrypt(
                padded, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv), noPadding: true)
            return ciphertext.withUnsafeBytes { Array($0) }
        } catch {
            throw .invalidKey
        }
    }

    /// Decrypts and unpads; a wrong length or bad padding throws `decryptionFailed`.
    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(CryptoError) -> [UInt8] {
        try requireLength(key, 32, "AES key")
        try requireLength(iv, 16, "AES-CBC IV")
        guard !ciphertext.isEmpty, ciphertext.count % blockSize == 0 else { throw .decryptionFailed }
        let padded: Data
        do {
            padded = try AES._CBC.decrypt(
                ciphertext.withUnsafeBytes { Data($0) }, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv),
                noPadding: true)
        } catch {
            throw .decryptionFailed
        }
        let plaintext = padded.withUnsafeBytes { buffer in unpaddedCount(buffer).map { Array(buffer[..<$0]) } }
        guard let plaintext else { throw .decryptionFailed }
        return plaintext
    }

    /// The length without PKCS#7 padding, or nil when the padding is malformed. The last block
    /// is examined in full whatever the pad length, so timing does not reveal where it failed.
    private static func unpaddedCount(_ buffer: UnsafeRawBufferPointer) -> Int? {
        guard buffer.count >= blockSize, let last = buffer.last else { return nil }
        let padLength = Int(last)
        var bad = padLength == 0 || padLength > blockSize ? 1 : 0
        for distance in 1...blockSize {
            let inPadding = distance <= padLength ? 0xFF : 0
            bad |= (Int(buffer[buffer.count - distance]) ^ padLength) & inPadding
        }
        return bad == 0 ? buffer.count - padLength : nil
    }
}
