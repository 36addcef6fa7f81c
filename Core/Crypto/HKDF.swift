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
        var counter: UInt8 = 1
        while output.count < count && counter != 0 {
            // T(i) = HMAC(PRK, T(i-1) || info || i); T(i-1) is the last block written.
            let previous = output.count >= 32 ? output.count - 32 : output.count
            func feed(_ hasher: inout SHA256) {
                output.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[previous...])) }
                info.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                withUnsafeBytes(of: counter) { hasher.update(bufferPointer: $0) }
            }
            // The last block spends the PRK's own hash states instead of copying them.
            let block = count - output.count <= 32 ? prk.finish(feed) : prk.tag(feed)
            block.withUnsafeBytes { output.append(contentsOf: $0.prefix(count - output.count)) }
            counter &+= 1
        }
        return output
    }

    /// `derive` with a UTF-8 `info` string such as "WhisperText".
    public static func derive(_ inputKeyMaterial: [UInt8], salt: [UInt8] = [], info: String, count: Int) -> [UInt8] {
        derive(inputKeyMaterial, salt: salt, info: Array(info.utf8), count: count)
    }
}
