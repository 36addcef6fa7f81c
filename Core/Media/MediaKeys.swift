import WACrypto

/// The keys one media key expands to: `HKDF-SHA256(mediaKey, info: type.hkdfInfo, 112)` split
/// as iv(16) ‖ cipherKey(32) ‖ macKey(32) ‖ refKey(32).
public struct MediaKeys: Sendable, Hashable {
    /// The length of a media key, as WhatsApp generates them.
    public static let mediaKeyLength = 32

    /// The AES-CBC IV of the whole file.
    public let iv: [UInt8]
    /// The AES-256 key.
    public let cipherKey: [UInt8]
    /// The HMAC-SHA256 key of `iv ‖ ciphertext`.
    public let macKey: [UInt8]
    /// Expanded like the others but unused by WhatsApp's clients.
    public let refKey: [UInt8]

    /// Expands `mediaKey` (32 bytes, as found in a message's `mediaKey`) for files of `type`.
    public init(mediaKey: [UInt8], type: MediaType) throws(MediaError) {
        guard mediaKey.count == Self.mediaKeyLength else { throw .invalidMediaKeyLength(mediaKey.count) }
        let expanded = HKDFSHA256.derive(mediaKey, info: type.hkdfInfo, count: 112)
        iv = Array(expanded[0..<16])
        cipherKey = Array(expanded[16..<48])
        macKey = Array(expanded[48..<80])
        refKey = Array(expanded[80..<112])
    }
}
