/// Hex text ↔ bytes, for the debug CLI, logs and webhook signatures.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, by table (it runs for every webhook delivery).
    public static func string<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Bytes from hex in either case; whitespace between digits is ignored.
    public static func bytes(_ text: String) throws(HexError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for (offset, character) in text.utf8.enumerated() {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            default: throw .invalidCharacter(offset: offset)
            }
            if let pending = high {
                bytes.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        guard high == nil else { throw .oddLength }
        return bytes
    }
}

/// Why text is not hex.
public enum HexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A character that is neither a hex digit nor whitespace, at this UTF-8 offset.
    case invalidCharacter(offset: Int)
    /// An odd number of hex digits.
    case oddLength

    public var description: String {
        switch self {
        case .invalidCharacter(let offset): "not a hex digit at offset \(offset)"
        case .oddLength: "odd number of hex digits"
        }
    }
}
