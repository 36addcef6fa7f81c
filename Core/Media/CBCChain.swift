import Crypto
import Foundation
import _CryptoExtras

/// AES-256-CBC over a file that arrives in pieces: each call continues the chain where the
/// previous one stopped (the next IV is the last ciphertext block), so a 100 MB file never has
/// to be in memory at once. Padding is applied or removed only by the `final` calls.
struct CBCChain: Sendable {
    /// Work is handed to AES in slices of this size, so that its temporary buffers stay small.
    private static let sliceLength = 256 * 1024

    private let key: SymmetricKey
    private var iv: AES._CBC.IV

    init(key: [UInt8], iv: [UInt8]) throws(MediaError) {
        self.key = SymmetricKey(data: key)
        self.iv = try Self.iv(iv)
    }

    /// Encrypts whole blocks, passing the ciphertext to `emit` slice by slice.
    mutating func encrypt(_ blocks: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) throws(MediaError) {
        try run(blocks, chainingOn: .output, emit: emit) { slice, key, iv in
            try AES._CBC.encrypt(slice, using: key, iv: iv, noPadding: true)
        }
    }

    /// Encrypts the last 0...15 bytes with PKCS#7 padding (one block out).
    func encryptFinal(_ partial: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) throws(MediaError) {
        let ciphertext = try cipher { try AES._CBC.encrypt(partial, using: key, iv: iv) }
        ciphertext.withUnsafeBytes(emit)
    }

    /// Decrypts whole blocks, passing the plaintext to `emit` slice by slice.
    mutating func decrypt(_ blocks: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) throws(MediaError) {
        try run(blocks, chainingOn: .input, emit: emit) { slice, key, iv in
            try AES._CBC.decrypt(slice, using: key, iv: iv, noPadding: true)
        }
    }

    /// Decrypts the last blocks and strips their PKCS#7 padding. Callers verify the MAC first,
    /// so a padding error reveals nothing to a forger.
    func decryptFinal(_ blocks: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) throws(MediaError) {
        let plaintext: Data
        do {
            plaintext = try AES._CBC.decrypt(blocks, using: key, iv: iv)
        } catch {
            throw .badPadding
        }
        plaintext.withUnsafeBytes(emit)
    }

    /// Which side of an AES call holds the ciphertext, whose last block is the next IV.
    private enum CiphertextSide { case input, output }

    /// Runs `operation` over `blocks` slice by slice, carrying the IV from slice to slice.
    private mutating func run(
        _ blocks: UnsafeRawBufferPointer, chainingOn ciphertextSide: CiphertextSide,
        emit: (UnsafeRawBufferPointer) -> Void,
        operation: (UnsafeRawBufferPointer, SymmetricKey, AES._CBC.IV) throws -> Data
    ) throws(MediaError) {
        var start = 0
        while start < blocks.count {
            let end = min(start + Self.sliceLength, blocks.count)
            let input = UnsafeRawBufferPointer(rebasing: blocks[start..<end])
            let output = try cipher { try operation(input, key, iv) }
            output.withUnsafeBytes(emit)
            iv = try ciphertextSide == .input ? Self.iv(input.suffix(16)) : Self.iv(output.suffix(16))
            start = end
        }
    }

    private func cipher(_ body: () throws -> Data) throws(MediaError) -> Data {
        do {
            return try body()
        } catch {
            throw .cipherUnavailable
        }
    }

    private static func iv(_ bytes: some Collection<UInt8>) throws(MediaError) -> AES._CBC.IV {
        do {
            return try AES._CBC.IV(ivBytes: bytes)
        } catch {
            throw .cipherUnavailable
        }
    }
}
