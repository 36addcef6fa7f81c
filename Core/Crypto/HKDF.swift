/// RFC 5869 HKDF-SHA256, as libsignal's `kdf.DeriveSecrets` and WhatsApp's media/app-state keys use it.
public enum HKDFSHA256 {
    /// Derives `count` bytes (at most 255 * 32). An empty salt means 32 zero bytes, which HMAC
    /// treats identically.
    public static func derive(_ inputKeyMaterial: [UInt8], salt: [UInt8] = [], info: [UInt8], count: Int) -> [UInt8] {
        let prk = HMACSHA256.authenticate(inputKeyMaterial, key: salt)
        var output = [UInt8]()
        output.reserveCapacity(count + 32)
        var block = [UInt8]()
        var counter: UInt8 = 1
        while output.count < count && counter != 0 {
            block = HMACSHA256.authenticate(parts: [block, info, [counter]], key: prk)
            output += block
            counter &+= 1
        }
        return Array(output.prefix(count))
    }

    /// `derive` with a UTF-8 `info` string such as "WhisperText".
    public static func derive(_ inputKeyMaterial: [UInt8], salt: [UInt8] = [], info: String, count: Int) -> [UInt8] {
        derive(inputKeyMaterial, salt: salt, info: Array(info.utf8), count: count)
    }
}
