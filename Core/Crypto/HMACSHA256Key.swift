import Crypto

/// An HMAC-SHA256 key with its inner and outer pad blocks already hashed. Every tag made with
/// the same key skips the pad set-up and two SHA-256 compressions: HKDF's expand step uses its
/// key three times for Signal's 80 message-key bytes, a chain key is used twice per message.
///
/// A tag made with `authenticate` copies the prepared hash states (swift-crypto allocates on the
/// first update of a shared state); the `consuming` variants hash into the key's own states, so
/// a key used n times costs n + 1 hash-state pairs, as n unprepared HMACs would, with 2(n - 1)
/// fewer compressions.
public struct HMACSHA256Key: Sendable {
    private var inner: SHA256
    private var outer: SHA256

    /// Prepares `key` (hashed first when longer than the 64-byte block, as RFC 2104 says).
    public init(_ key: [UInt8]) {
        var inner = SHA256(), outer = SHA256()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { pad in
            pad.initialize(repeating: 0)
            if key.count > 64 {
                SHA256.hash(data: key).withUnsafeBytes { _ = pad.initialize(fromContentsOf: $0) }
            } else {
                _ = pad.initialize(fromContentsOf: key)
            }
            for i in 0..<64 { pad[i] ^= 0x36 }
            inner.update(bufferPointer: UnsafeRawBufferPointer(pad))
            for i in 0..<64 { pad[i] ^= 0x36 ^ 0x5C }
            outer.update(bufferPointer: UnsafeRawBufferPointer(pad))
        }
        self.inner = inner
        self.outer = outer
    }

    /// The 32-byte tag of `message`; the key stays usable.
    public func authenticate(_ message: [UInt8]) -> [UInt8] {
        self.authenticateLast(message)
    }

    /// The tag of `message` made with this key's own hash states: for a key's last use.
    public consuming func authenticateLast(_ message: [UInt8]) -> [UInt8] {
        finish { hasher in message.withUnsafeBytes { hasher.update(bufferPointer: $0) } }.withUnsafeBytes { Array($0) }
    }

    /// The tag of the concatenation of `parts`, without building it, for a key's last use.
    public consuming func authenticateLast(parts: [[UInt8]]) -> [UInt8] {
        finish { hasher in for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } } }
            .withUnsafeBytes { Array($0) }
    }

    /// Whether `tag` equals the first `tag.count` bytes of the tag of the concatenated `parts`
    /// (timing-safe; an empty or over-long tag never matches), for a key's last use.
    public consuming func verifyLast(_ tag: [UInt8], parts: [[UInt8]]) -> Bool {
        let digest = finish { hasher in for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } } }
        return tag.withUnsafeBytes { matches($0, digest) }
    }

    /// The tag of whatever `feed` hashes into a copy of the inner state; the key stays usable.
    /// Callers with their message in pieces or inside a larger buffer hash it in place.
    func tag(_ feed: (inout SHA256) -> Void) -> SHA256Digest {
        var copy = self
        return copy.finish(feed)
    }

    /// Completes the tag in this key's own states, which are spent afterwards.
    mutating func finish(_ feed: (inout SHA256) -> Void) -> SHA256Digest {
        feed(&inner)
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// Whether `expected` is a non-empty prefix of `digest`, compared in constant time.
    private func matches(_ expected: UnsafeRawBufferPointer, _ digest: SHA256Digest) -> Bool {
        digest.withUnsafeBytes { full in
            guard !expected.isEmpty, expected.count <= full.count else { return false }
            var difference: UInt8 = 0
            for i in 0..<expected.count { difference |= expected[i] ^ full[i] }
            return difference == 0
        }
    }
}
