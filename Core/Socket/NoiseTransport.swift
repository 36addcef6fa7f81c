import Crypto
import Foundation

/// The AES-256-GCM nonce WhatsApp uses: 8 zero bytes, then a big-endian 32-bit counter.
enum NoiseNonce {
    static func make(_ counter: UInt32) -> AES.GCM.Nonce {
        let bytes: [UInt8] = [
            0, 0, 0, 0, 0, 0, 0, 0,
            UInt8(truncatingIfNeeded: counter >> 24), UInt8(truncatingIfNeeded: counter >> 16),
            UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter),
        ]
        // A 12-byte nonce is always accepted.
        return try! AES.GCM.Nonce(data: bytes)
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
        var out = [UInt8]()
        out.reserveCapacity(sealed.ciphertext.count + 16)
        out += sealed.ciphertext
        out += sealed.tag
        return out
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
            let box = try AES.GCM.SealedBox(
                nonce: NoiseNonce.make(counter), ciphertext: frame[..<(frame.count - 16)],
                tag: frame[(frame.count - 16)...])
            return Array(try AES.GCM.open(box, using: key, authenticating: ad))
        } catch {
            throw .decryptionFailed
        }
    }

    /// The next counter, and whether the counter space is used up (wrapping would reuse an IV).
    static func advance(_ counter: UInt32) -> (UInt32, exhausted: Bool) {
        counter == .max ? (0, true) : (counter + 1, false)
    }
}
