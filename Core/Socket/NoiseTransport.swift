import Crypto
import Foundation

/// The AES-256-GCM nonce WhatsApp uses: 8 zero bytes, then a big-endian 32-bit counter.
enum NoiseNonce {
    static let size = 12

    static func bytes(_ counter: UInt32) -> [UInt8] {
        [
            0, 0, 0, 0, 0, 0, 0, 0,
            UInt8(truncatingIfNeeded: counter >> 24), UInt8(truncatingIfNeeded: counter >> 16),
            UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter),
        ]
    }

    /// Writes `bytes(counter)` into the first `size` bytes of `buffer`, without an array.
    static func write(_ counter: UInt32, to buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: 0, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: counter.bigEndian, toByteOffset: 8, as: UInt32.self)
    }

    static func make(_ counter: UInt32) -> AES.GCM.Nonce {
        // A 12-byte nonce is always accepted.
        try! AES.GCM.Nonce(data: bytes(counter))
    }
}

/// The post-handshake cipher pair: one key and counter per direction, no associated data.
public struct NoiseTransport: Sendable {
    private let writeKey: SymmetricKey
    private let readKey: SymmetricKey
    /// Frames encrypted so far (the next write nonce).
    public private(set) var writeCounter: UInt32 = 0
    /// Frames decrypted so far (the next read nonce).
    public private(set) var readCounter: UInt32 = 0
    private var writeExhausted = false
    private var readExhausted = false

    /// Builds a transport from raw 32-byte keys (as split at the end of the handshake).
    public init(writeKey: [UInt8], readKey: [UInt8]) {
        self.writeKey = SymmetricKey(data: writeKey)
        self.readKey = SymmetricKey(data: readKey)
    }

    /// Encrypts one frame payload; returns ciphertext followed by the 16-byte tag.
    public mutating func encrypt<Plaintext: DataProtocol>(_ plaintext: Plaintext) throws(NoiseError) -> [UInt8] {
        guard !writeExhausted else { throw .nonceExhausted }
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.seal(plaintext, using: writeKey, nonce: NoiseNonce.make(writeCounter))
        } catch {
            throw .invalidKey
        }
        (writeCounter, writeExhausted) = Self.advance(writeCounter)
        // A 12-byte nonce always has a combined form, nonce, ciphertext and tag in one buffer:
        // one copy without the nonce, instead of a slice and a copy each of ciphertext and tag.
        return Self.bytes(of: sealed.combined!, from: NoiseNonce.size)
    }

    /// Decrypts one received frame (ciphertext followed by the tag).
    public mutating func decrypt(_ frame: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard !readExhausted else { throw .nonceExhausted }
        let plaintext = try Self.open(frame, key: readKey, counter: readCounter, authenticating: [UInt8]())
        (readCounter, readExhausted) = Self.advance(readCounter)
        return plaintext
    }

    static func open<AD: DataProtocol>(
        _ frame: [UInt8], key: SymmetricKey, counter: UInt32, authenticating ad: AD
    ) throws(NoiseError) -> [UInt8] {
        guard frame.count >= 16 else { throw .decryptionFailed }
        do {
            // Nonce, ciphertext and tag in one buffer, which the box keeps as it is (building it
            // from the three parts appends each to a new buffer), written in place: appending
            // to a `Data` cost more than the copies.
            var combined = Data(count: NoiseNonce.size + frame.count)
            combined.withUnsafeMutableBytes { buffer in
                NoiseNonce.write(counter, to: buffer)
                frame.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[NoiseNonce.size...]).copyMemory(from: $0) }
            }
            let box = try AES.GCM.SealedBox(combined: combined)
            return Self.bytes(of: try AES.GCM.open(box, using: key, authenticating: ad))
        } catch {
            throw .decryptionFailed
        }
    }

    /// The bytes of `data` from `offset` on, copied at once (`Array(data)` goes element by element).
    static func bytes(of data: Data, from offset: Int = 0) -> [UInt8] {
        data.withUnsafeBytes { Array(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }

    /// The next counter, and whether the counter space is used up (wrapping would reuse an IV).
    static func advance(_ counter: UInt32) -> (UInt32, exhausted: Bool) {
        counter == .max ? (0, true) : (counter + 1, false)
    }
}
