import Crypto

/// Decrypts a downloaded media file as it arrives, checking what whatsmeow checks: the SHA-256
/// of the body (when the message gave `fileEncSha256`), the 10-byte MAC, the padding, and the
/// SHA-256 of the plaintext (when the message gave `fileSha256`).
///
/// The plaintext that `update` appends is not authenticated until `finalize` returns: keep it
/// somewhere temporary and throw it away if `finalize` throws. `MediaCipher.decrypt` does this
/// for a body already in memory.
public struct MediaDecryptor: Sendable {
    /// Held back until the end, as it may be the MAC and the padded last block.
    private static let heldBackLength = MediaCipher.macLength + 16

    private var chain: CBCChain
    private var mac: HMAC<SHA256>
    private var plaintextHash = SHA256()
    private var bodyHash = SHA256()
    private var bodyLength = 0
    /// The received bytes not decrypted yet: always the last 26...41 once that many arrived.
    private var held: [UInt8] = []
    private let expectedFileSha256: [UInt8]?
    private let expectedFileEncSha256: [UInt8]?

    /// Starts a file of `type` under the message's `mediaKey`; a nil hash is not checked.
    public init(
        type: MediaType, mediaKey: [UInt8], fileSha256: [UInt8]? = nil, fileEncSha256: [UInt8]? = nil
    ) throws(MediaError) {
        let keys = try MediaKeys(mediaKey: mediaKey, type: type)
        chain = try CBCChain(key: keys.cipherKey, iv: keys.iv)
        mac = HMAC(key: SymmetricKey(data: keys.macKey))
        mac.update(data: keys.iv)
        expectedFileSha256 = fileSha256
        expectedFileEncSha256 = fileEncSha256
    }

    /// Takes the next downloaded bytes and appends the plaintext of every block that cannot be
    /// the last one (unauthenticated until `finalize`).
    public mutating func update(
        _ body: UnsafeRawBufferPointer, appendingTo plaintext: inout [UInt8]
    ) throws(MediaError) {
        bodyHash.update(bufferPointer: body)
        bodyLength += body.count
        let ready = max(0, held.count + body.count - Self.heldBackLength) / 16 * 16
        if ready < held.count {
            let blocks = Array(held.prefix(ready))
            held.removeFirst(ready)
            held.append(contentsOf: body)
            try blocks.withMediaBytes { blocks throws(MediaError) in
                try decryptBlocks(blocks, appendingTo: &plaintext)
            }
            return
        }
        // Complete the held bytes to whole blocks, then decrypt straight from `body`.
        let fill = (16 - held.count % 16) % 16
        held.append(contentsOf: body.prefix(fill))
        let blocks = held
        held = []
        try blocks.withMediaBytes { blocks throws(MediaError) in try decryptBlocks(blocks, appendingTo: &plaintext) }
        let direct = ready - blocks.count
        try decryptBlocks(UnsafeRawBufferPointer(rebasing: body[fill..<(fill + direct)]), appendingTo: &plaintext)
        held.append(contentsOf: body[(fill + direct)...])
    }

    /// `update` over an array.
    public mutating func update(_ body: [UInt8], appendingTo plaintext: inout [UInt8]) throws(MediaError) {
        try body.withMediaBytes { body throws(MediaError) in try update(body, appendingTo: &plaintext) }
    }

    /// Checks the body hash and the MAC, then appends the last plaintext bytes and checks the
    /// plaintext hash. Throws in that order, like whatsmeow.
    public consuming func finalize(appendingTo plaintext: inout [UInt8]) throws(MediaError) {
        guard bodyLength >= Self.heldBackLength else { throw .tooShort(length: bodyLength) }
        if let expected = expectedFileEncSha256, Array(bodyHash.finalize()) != expected {
            throw .encryptedFileHashMismatch
        }
        let lastBlocks = Array(held.dropLast(MediaCipher.macLength))
        mac.update(data: lastBlocks)
        guard Self.tagMatches(Array(held.suffix(MediaCipher.macLength)), mac.finalize()) else { throw .macMismatch }
        guard lastBlocks.count % 16 == 0 else {
            throw .ciphertextNotBlockAligned(length: bodyLength - MediaCipher.macLength)
        }
        let chain = chain
        try lastBlocks.withMediaBytes { lastBlocks throws(MediaError) in
            try chain.decryptFinal(lastBlocks) { lastPlaintext in
                plaintextHash.update(bufferPointer: lastPlaintext)
                plaintext.append(contentsOf: lastPlaintext)
            }
        }
        if let expected = expectedFileSha256, Array(plaintextHash.finalize()) != expected {
            throw .plaintextHashMismatch
        }
    }

    private mutating func decryptBlocks(
        _ blocks: UnsafeRawBufferPointer, appendingTo plaintext: inout [UInt8]
    ) throws(MediaError) {
        mac.update(data: blocks)
        // A local copy of the chain, so that the closure may update the hash in `self`.
        var chain = chain
        defer { self.chain = chain }
        try chain.decrypt(blocks) { blockPlaintext in
            plaintextHash.update(bufferPointer: blockPlaintext)
            plaintext.append(contentsOf: blockPlaintext)
        }
    }

    /// Whether `tag` is the start of `code`, compared in constant time.
    private static func tagMatches(_ tag: [UInt8], _ code: HashedAuthenticationCode<SHA256>) -> Bool {
        code.withUnsafeBytes { code in
            var difference: UInt8 = 0
            for (expected, received) in zip(code.prefix(tag.count), tag) { difference |= expected ^ received }
            return difference == 0 && tag.count == MediaCipher.macLength
        }
    }
}
