import Crypto

/// HMAC-SHA256 over byte arrays. Built directly on `SHA256` with raw-buffer updates: swift-crypto's
/// generic `HMAC<SHA256>` spends most of its time in generic-metadata lookups on small inputs,
/// and the ratchet runs seven of these per message. (libsodium's `crypto_auth_hmacsha256` has no
/// such overhead but hashes in portable C, about twice as slow here as BoringSSL's SHA extensions.)
public enum HMACSHA256 {
    /// The 32-byte tag of `message` under `key`.
    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        HMACSHA256Key(key).authenticateLast(message)
    }

    /// The tag of the concatenation of `parts`, without building it.
    public static func authenticate(parts: [[UInt8]], key: [UInt8]) -> [UInt8] {
        HMACSHA256Key(key).authenticateLast(parts: parts)
    }

    /// Whether `tag` equals the first `tag.count` bytes of the HMAC of the concatenated `parts`
    /// (timing-safe; an empty or over-long tag never matches). Signal uses 8-byte tags, media 10.
    public static func verify(_ tag: [UInt8], parts: [[UInt8]], key: [UInt8]) -> Bool {
        HMACSHA256Key(key).verifyLast(tag, parts: parts)
    }
}
