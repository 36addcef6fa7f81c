import CSodium
import Crypto
import Foundation

/// An AES-256-GCM key that seals and opens many messages, as each direction of a Noise
/// connection does. On CPUs with AES-NI and carry-less multiply it keeps libsodium's
/// precomputed state, so the key schedule and the GHASH table are built once per key;
/// swift-crypto's one-shot API builds both, and three `Data` buffers, for every message, which
/// is most of the cost of a short frame. Elsewhere it runs on swift-crypto. Both engines give
/// the same bytes.
public final class AESGCMKey: @unchecked Sendable {
    public static let nonceSize = 12
    public static let tagSize = 16

    private enum Engine {
        /// libsodium's `crypto_aead_aes256gcm_state`, 16-byte aligned, owned by this key;
        /// written once in `init`, only read afterwards (libsodium takes it `const`), so
        /// any thread may use it at once: hence `@unchecked Sendable`.
        case precomputed(UnsafeMutableRawPointer)
        case oneShot(SymmetricKey)
    }

    private let engine: Engine

    /// Whether this CPU runs the precomputed engine.
    public static let hasHardwareEngine: Bool = sodiumIsReady && crypto_aead_aes256gcm_is_available() == 1

    /// - Parameters:
    ///   - key: 32 bytes.
    ///   - hardware: whether to use the precomputed engine when the CPU has it; tests pass
    ///     false to run the other one.
    public init(_ key: [UInt8], hardware: Bool = true) throws(CryptoError) {
        try requireLength(key, 32, "AES-256-GCM key")
        guard hardware, Self.hasHardwareEngine else {
            engine = .oneShot(SymmetricKey(data: key))
            return
        }
        let state = UnsafeMutableRawPointer.allocate(byteCount: crypto_aead_aes256gcm_statebytes(), alignment: 16)
        _ = crypto_aead_aes256gcm_beforenm(state.assumingMemoryBound(to: crypto_aead_aes256gcm_state.self), key)
        engine = .precomputed(state)
    }

    deinit {
        if case .precomputed(let state) = engine {
            sodium_memzero(state, crypto_aead_aes256gcm_statebytes())
            state.deallocate()
        }
    }

    /// The ciphertext followed by the 16-byte tag.
    /// - Parameter nonce: 12 bytes, never used twice with this key.
    public func seal(_ plaintext: [UInt8], nonce: [UInt8], authenticating ad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try requireLength(nonce, Self.nonceSize, "AES-GCM nonce")
        switch engine {
        case .precomputed(let state):
            return [UInt8](unsafeUninitializedCapacity: plaintext.count + Self.tagSize) { buffer, count in
                var written: UInt64 = 0
                _ = crypto_aead_aes256gcm_encrypt_afternm(
                    buffer.baseAddress!, &written, plaintext, UInt64(plaintext.count), ad, UInt64(ad.count), nil, nonce,
                    state.assumingMemoryBound(to: crypto_aead_aes256gcm_state.self))
                count = Int(written)
            }
        case .oneShot(let key):
            do {
                let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: nonce), authenticating: ad)
                // A 12-byte nonce always has the combined form: nonce, ciphertext, tag in one buffer.
                return box.combined!.withUnsafeBytes { Array($0[Self.nonceSize...]) }
            } catch {
                throw .invalidKey
            }
        }
    }

    /// The plaintext of `sealed` (ciphertext then tag).
    /// - Throws: `decryptionFailed` when the tag does not verify or `sealed` is shorter than one.
    public func open(_ sealed: [UInt8], nonce: [UInt8], authenticating ad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try requireLength(nonce, Self.nonceSize, "AES-GCM nonce")
        guard sealed.count >= Self.tagSize else { throw .decryptionFailed }
        switch engine {
        case .precomputed(let state):
            var verified = false
            // At least one byte, so that an empty plaintext still has an address to be written to.
            let plaintext = [UInt8](unsafeUninitializedCapacity: max(sealed.count - Self.tagSize, 1)) { buffer, count in
                var written: UInt64 = 0
                verified =
                    crypto_aead_aes256gcm_decrypt_afternm(
                        buffer.baseAddress!, &written, nil, sealed, UInt64(sealed.count), ad, UInt64(ad.count), nonce,
                        state.assumingMemoryBound(to: crypto_aead_aes256gcm_state.self)) == 0
                count = verified ? Int(written) : 0
            }
            guard verified else { throw .decryptionFailed }
            return plaintext
        case .oneShot(let key):
            do {
                let box = try AES.GCM.SealedBox(combined: Data(nonce + sealed))
                return try AES.GCM.open(box, using: key, authenticating: ad).withUnsafeBytes { Array($0) }
            } catch {
                throw .decryptionFailed
            }
        }
    }
}
