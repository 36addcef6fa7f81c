import Crypto

/// RFC 5869 HKDF-SHA256, as libsignal's `kdf.DeriveSecrets` and WhatsApp's media/app-state keys use it.
public enum HKDFSHA256 {
    /// HMAC keyed with the empty salt (HMAC pads it to the same block as 32 zero bytes), prepared once.
    private static let emptySalt = HMACSHA256Key([])

    /// Derives `count` bytes (at most 255 * 32). An empty salt means 32 zero bytes, which HMAC
    /// treats identically.
    public static func derive(_ inputKeyMaterial: [UInt8], salt: [UInt8] = [], info: [UInt8], count: Int) -> [UInt8] {
        var prk = HMACSHA256Key(
            salt.isEmpty ? emptySalt.authenticate(inputKeyMaterial) : HMACSHA256Key(salt).authenticateLast(inputKeyMaterial))
        var output = [UInt8]()
        output.reserveCapacity(count)
        // T(i) = HMAC(PRK, T(i-1) || info || i), hashed from one buffer that holds the three
        // (one digest update a block instead of three; each update costs swift-crypto's
        // exclusivity checks). T(0) is empty: the first block's input starts after it.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32 + info.count + 1) { input in
            _ = UnsafeMutableBufferPointer(rebasing: input[32..<(32 + info.count)]).initialize(fromContentsOf: info)
            var start = 32
            var counter: UInt8 = 1
            while output.count < count && counter != 0 {
                input[input.count - 1] = counter
                let message = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[start...]))
                func feed(_ hasher: inout SHA256) { hasher.update(bufferPointer: message) }
                // The last block spends the PRK's own hash states instead of copying them.
                let block = count - output.count <= 32 ? prk.finish(feed) : prk.tag(feed)
                block.withUnsafeBytes { digest in
                    UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: input[0..<32])).copyMemory(from: digest)
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: digest.prefix(count - output.count)))
                }
                start = 0
                counter &+= 1
            }
        }
        return output
    }

    /// `derive` with a UTF-8 `info` string such as "WhisperText".
    public static func derive(_ inputKeyMaterial: [UInt8], salt: [UInt8] = [], info: String, count: Int) -> [UInt8] {
        derive(inputKeyMaterial, salt: salt, info: Array(info.utf8), count: count)
    }
}
