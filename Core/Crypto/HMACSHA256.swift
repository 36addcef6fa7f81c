import Crypto

/// HMAC-SHA256 over byte arrays. Built directly on `SHA256` with raw-buffer updates: swift-crypto's
/// generic `HMAC<SHA256>` spends most of its time in generic-metadata lookups on small inputs,
/// and the ratchet runs seven of these per message.
public enum HMACSHA256 {
    /// The 32-byte tag of `message` under `key`.
    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        authenticate(parts: [message], key: key)
    }

    /// The tag of the concatenation of `parts`, without building it.
    public static func authenticate(parts: [[UInt8]], key: [UInt8]) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { pad in
            pad.initialize(repeating: 0)
            if key.count > 64 {
                var keyHasher = SHA256()
                key.withUnsafeBytes { keyHasher.update(bufferPointer: $0) }
                keyHasher.finalize().withUnsafeBytes { _ = pad.initialize(fromContentsOf: $0) }
            } else {
                _ = pad.initialize(fromContentsOf: key)
            }
            for i in 0..<64 { pad[i] ^= 0x36 }
            var inner = SHA256()
            inner.update(bufferPointer: UnsafeRawBufferPointer(pad))
            for part in parts { part.withUnsafeBytes { inner.update(bufferPointer: $0) } }
            let innerDigest = inner.finalize()
            for i in 0..<64 { pad[i] ^= 0x36 ^ 0x5C }
            var outer = SHA256()
            outer.update(bufferPointer: UnsafeRawBufferPointer(pad))
            innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
            return outer.finalize().withUnsafeBytes { Array($0) }
        }
    }

    /// Whether `tag` equals the first `tag.count` bytes of the HMAC of the concatenated `parts`
    /// (timing-safe; an empty or over-long tag never matches). Signal uses 8-byte tags, media 10.
    public static func verify(_ tag: [UInt8], parts: [[UInt8]], key: [UInt8]) -> Bool {
        let full = authenticate(parts: parts, key: key)
        guard !tag.isEmpty, tag.count <= full.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(tag, full) { difference |= a ^ b }
        return difference == 0
    }
}
