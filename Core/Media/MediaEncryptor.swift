import Crypto
import WACrypto

/// Encrypts a media file for upload as it is read: AES-256-CBC with PKCS#7 padding, followed by
/// the first 10 bytes of HMAC-SHA256(macKey, iv ‖ ciphertext). Feed the plaintext in chunks of
/// any size with `update`, then call `finalize` once; the bytes appended to `body` along the way
/// are the upload body.
public struct MediaEncryptor: Sendable {
    /// The key that goes into the message.
    public let mediaKey: [UInt8]
    private var chain: CBCChain
    private var mac: HMAC<SHA256>
    private var plaintextHash = SHA256()
    private var bodyHash = SHA256()
    private var plaintextLength: UInt64 = 0
    /// The 0...15 trailing bytes that do not yet fill an AES block.
    private var partialBlock: [UInt8] = []

    /// Starts a file of `type` under `mediaKey` (a fresh random key unless a test fixes one).
    public init(type: MediaType, mediaKey: [UInt8] = randomBytes(MediaKeys.mediaKeyLength)) throws(MediaError) {
        let keys = try MediaKeys(mediaKey: mediaKey, type: type)
        self.mediaKey = mediaKey
        chain = try CBCChain(key: keys.cipherKey, iv: keys.iv)
        mac = HMAC(key: SymmetricKey(data: keys.macKey))
        mac.update(data: keys.iv)
    }

    /// Encrypts the next `plaintext` bytes, appending the ciphertext of every completed block.
    public mutating func update(
        _ plaintext: UnsafeRawBufferPointer, appendingTo body: inout [UInt8]
    ) throws(MediaError) {
        plaintextHash.update(bufferPointer: plaintext)
        plaintextLength += UInt64(plaintext.count)
        var rest = plaintext
        if !partialBlock.isEmpty {
            let taken = min(16 - partialBlock.count, rest.count)
            partialBlock.append(contentsOf: rest.prefix(taken))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(taken))
            guard partialBlock.count == 16 else { return }
            let block = partialBlock
            partialBlock = []
            try block.withMediaBytes { block throws(MediaError) in try encryptBlocks(block, appendingTo: &body) }
        }
        let whole = rest.count - rest.count % 16
        try encryptBlocks(UnsafeRawBufferPointer(rebasing: rest.prefix(whole)), appendingTo: &body)
        partialBlock.append(contentsOf: rest.dropFirst(whole))
    }

    /// `update` over an array.
    public mutating func update(_ plaintext: [UInt8], appendingTo body: inout [UInt8]) throws(MediaError) {
        try plaintext.withMediaBytes { plaintext throws(MediaError) in try update(plaintext, appendingTo: &body) }
    }

    /// Pads and encrypts the last block and appends it and the MAC; returns the file's hashes
    /// and length for the message.
    public consuming func finalize(appendingTo body: inout [UInt8]) throws(MediaError) -> MediaFileInfo {
        let lastBlock = partialBlock
        let chain = chain
        try lastBlock.withMediaBytes { lastBlock throws(MediaError) in
            try chain.encryptFinal(lastBlock) { ciphertext in append(ciphertext, to: &body) }
        }
        let tag = mac.finalize().withUnsafeBytes { Array($0.prefix(MediaCipher.macLength)) }
        bodyHash.update(data: tag)
        body.append(contentsOf: tag)
        return MediaFileInfo(
            mediaKey: mediaKey, fileSha256: Array(plaintextHash.finalize()),
            fileEncSha256: Array(bodyHash.finalize()), fileLength: plaintextLength)
    }

    private mutating func encryptBlocks(
        _ blocks: UnsafeRawBufferPointer, appendingTo body: inout [UInt8]
    ) throws(MediaError) {
        // A local copy of the chain, so that the closure may update the hashes in `self`.
        var chain = chain
        defer { self.chain = chain }
        try chain.encrypt(blocks) { ciphertext in append(ciphertext, to: &body) }
    }

    /// Ciphertext counts towards the MAC and the body hash, and goes out.
    private mutating func append(_ ciphertext: UnsafeRawBufferPointer, to body: inout [UInt8]) {
        mac.update(data: ciphertext)
        bodyHash.update(bufferPointer: ciphertext)
        body.append(contentsOf: ciphertext)
    }
}
