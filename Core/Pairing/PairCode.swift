/// The 8-character linking code of phone-number pairing.
public enum PairCode {
    /// WhatsApp's base32 alphabet: no 0, I, O or U.
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTVWXYZ".utf8)

    /// 8 characters of the alphabet 123456789ABCDEFGHJKLMNPQRSTVWXYZ from 5 random bytes
    /// (base32, most significant bits first; other lengths encode the same way, unpadded).
    public static func code(from random: [UInt8]) -> String {
        var characters: [UInt8] = []
        var buffer: UInt32 = 0
        var bitCount = 0
        for byte in random {
            buffer = buffer << 8 | UInt32(byte)
            bitCount += 8
            while bitCount >= 5 {
                bitCount -= 5
                characters.append(alphabet[Int(buffer >> UInt32(bitCount) & 31)])
            }
        }
        if bitCount > 0 { characters.append(alphabet[Int(buffer << UInt32(5 - bitCount) & 31)]) }
        return String(decoding: characters, as: UTF8.self)
    }

    /// "FKKM7M9Z" -> "FKKM-7M9Z", as the user is shown it.
    public static func display(_ code: String) -> String {
        code.prefix(4) + "-" + code.dropFirst(4)
    }

    /// The inverse of `display`: accepts either form, case-insensitive, with dashes and spaces
    /// anywhere; nil unless 8 characters of the alphabet remain.
    public static func normalize(_ entered: String) -> String? {
        let characters = Array(entered.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        guard characters.count == 8, characters.allSatisfy(alphabet.contains) else { return nil }
        return String(decoding: characters, as: UTF8.self)
    }
}
