/// The encoder's per-byte table for NIBBLE_8/HEX_8: which packed forms a character fits and
/// its nibble, so that classifying and packing a string need no branches per character.
enum PackedCharacter {
    /// The character is in the NIBBLE_8 alphabet (`0-9`, `-`, `.`).
    static let nibbleForm: UInt8 = 1
    /// The character is in the HEX_8 alphabet (`0-9`, `A-F`).
    static let hexForm: UInt8 = 2

    /// For each byte: its nibble in the high four bits, the forms it fits in the low ones
    /// (0 for a byte that fits neither). `-` and `A` share nibble 10, `.` and `B` nibble 11,
    /// which is unambiguous because no string of one form holds characters of the other.
    static let table: ImmortalTable<UInt8> = ImmortalTable(
        (0...255).map { (byte: Int) -> UInt8 in
            switch UInt8(byte) {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte - 0x30) << 4 | nibbleForm | hexForm
            case UInt8(ascii: "-"): 10 << 4 | nibbleForm
            case UInt8(ascii: "."): 11 << 4 | nibbleForm
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(byte - 0x41 + 10) << 4 | hexForm
            default: 0
            }
        })
}
