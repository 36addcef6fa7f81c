import WACrypto

/// AES-256-GCM as Noise runs it, in the handshake and after: the nonce is 8 zero bytes then a
/// big-endian 32-bit counter, and failures are `NoiseError`s.
extension AESGCMKey {
    func seal(_ plaintext: [UInt8], counter: UInt32, authenticating ad: [UInt8] = []) throws(NoiseError) -> [UInt8] {
        do {
            return try seal(plaintext, nonce: Self.noiseNonce(counter), authenticating: ad)
        } catch {
            throw .invalidKey
        }
    }

    func open(_ sealed: [UInt8], counter: UInt32, authenticating ad: [UInt8] = []) throws(NoiseError) -> [UInt8] {
        do {
            return try open(sealed, nonce: Self.noiseNonce(counter), authenticating: ad)
        } catch {
            throw .decryptionFailed
        }
    }

    private static func noiseNonce(_ counter: UInt32) -> [UInt8] {
        [
            0, 0, 0, 0, 0, 0, 0, 0,
            UInt8(truncatingIfNeeded: counter >> 24), UInt8(truncatingIfNeeded: counter >> 16),
            UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter),
        ]
    }
}

/// The post-handshake cipher pair: one key and counter per direction, no associated data.
public struct NoiseTransport: Sendable {
    private let writeKey: AESGCMKey
    private let readKey: AESGCMKey
    /// Frames encrypted so far (the next write nonce).
    public private(set) var writeCounter: UInt32 = 0
    /// Frames decrypted so far (the next read nonce).
    public private(set) var readCounter: UInt32 = 0
    private var writeExhausted = false
    private var readExhausted = false

    /// Builds a transport from raw 32-byte keys (as split at the end of the handshake).
    public init(writeKey: [UInt8], readKey: [UInt8]) throws(NoiseError) {
        do {
            self.writeKey = try AESGCMKey(writeKey)
            self.readKey = try AESGCMKey(readKey)
        } catch {
            throw .invalidKey
        }
    }

    /// Encrypts one frame payload; returns ciphertext followed by the 16-byte tag.
    public mutating func encrypt(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard !writeExhausted else { throw .nonceExhausted }
        let sealed = try writeKey.seal(plaintext, counter: writeCounter)
        (writeCounter, writeExhausted) = Self.advance(writeCounter)
        return sealed
    }

    /// Decrypts one received frame (ciphertext followed by the tag).
    public mutating func decrypt(_ frame: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard !readExhausted else { throw .nonceExhausted }
        let plaintext = try readKey.open(frame, counter: readCounter)
        (readCounter, readExhausted) = Self.advance(readCounter)
        return plaintext
    }

    /// The next counter, and whether the counter space is used up (wrapping would reuse an IV).
    static func advance(_ counter: UInt32) -> (UInt32, exhausted: Bool) {
        counter == .max ? (0, true) : (counter + 1, false)
    }
}
