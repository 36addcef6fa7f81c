extension String {
    /// This string as a JSON string literal: quotes, backslashes and control characters escaped,
    /// slashes and non-ASCII left as they are. For the hand-written JSON of hot paths, where
    /// `JSONEncoder` costs too much.
    public var jsonQuoted: String {
        // Byte by byte into a string of the exact length: appending scalar by scalar cost
        // hundreds of instructions a character. Every byte to escape is ASCII, so the UTF-8
        // of everything else is copied as it is.
        var string = self
        return string.withUTF8 { utf8 in
            var length = utf8.count &+ 2
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                length &+= Self.jsonEscapeLength(byte) &- 1
            }
            return String(unsafeUninitializedCapacity: length) { output in
                var written = 0
                func write(_ byte: UInt8) {
                    output[written] = byte
                    written &+= 1
                }
                write(UInt8(ascii: "\""))
                for byte in utf8 {
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                        write(UInt8(ascii: "\\"))
                        write(byte)
                    case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                        write(UInt8(ascii: "\\"))
                        write(byte == UInt8(ascii: "\n") ? UInt8(ascii: "n") : byte == UInt8(ascii: "\r") ? UInt8(ascii: "r") : UInt8(ascii: "t"))
                    case ..<0x20:
                        // `\u00xx`, in lower-case hex.
                        for character in #"\u00"#.utf8 { write(character) }
                        write(Self.lowerHexDigit(byte >> 4))
                        write(Self.lowerHexDigit(byte & 0x0F))
                    default:
                        write(byte)
                    }
                }
                write(UInt8(ascii: "\""))
                return written
            }
        }
    }

    /// How many bytes the escape of an ASCII quote, backslash or control character takes:
    /// two for the short forms JSON has, six for `\u00xx`.
    private static func jsonEscapeLength(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): 2
        default: 6
        }
    }

    private static func lowerHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10
    }
}
