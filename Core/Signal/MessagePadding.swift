/// whatsmeow's plaintext padding around Signal encryption (`padMessage` / `unpadMessage`):
/// 1-15 bytes each equal to the count, none for `<enc v="3">` payloads.
public enum MessagePadding {
    /// Appends n bytes of value n, n = low nibble of `randomByte`, 0 meaning 15.
    public static func pad(_ plaintext: [UInt8], randomByte: UInt8 = UInt8.random(in: .min ... .max)) -> [UInt8] {
        let count = randomByte & 0x0F == 0 ? 15 : randomByte & 0x0F
        return plaintext + [UInt8](repeating: count, count: Int(count))
    }

    /// Strips the padding: the last byte n, and n bytes all equal to n (n = 0 strips nothing).
    /// - Parameter encVersion: the `<enc v>` attribute; version 3 payloads are returned as is.
    public static func unpad(_ plaintext: [UInt8], encVersion: Int = 2) throws(SignalError) -> [UInt8] {
        if encVersion == 3 { return plaintext }
        guard let last = plaintext.last else { throw .invalidPadding }
        let count = Int(last)
        guard count <= plaintext.count, plaintext.suffix(count).allSatisfy({ $0 == last }) else { throw .invalidPadding }
        return Array(plaintext.dropLast(count))
    }
}
