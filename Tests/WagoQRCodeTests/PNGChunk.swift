import Foundation

/// One chunk of a PNG file, split out independently of the encoder under test.
struct PNGChunk {
    struct Truncated: Error {}

    let type: String
    let data: [UInt8]
    let storedCRC: UInt32

    /// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) of type and data, computed bit by bit
    /// rather than with zlib so the check does not share the encoder's code.
    var computedCRC: UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in Array(type.utf8) + data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// The chunks of a PNG after its 8-byte signature; throws when one runs past the end.
    static func split(_ bytes: ArraySlice<UInt8>) throws -> [PNGChunk] {
        let bytes = Array(bytes)
        var chunks: [PNGChunk] = [], offset = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw Truncated() }
            let length = Int(uint32(bytes, at: offset))
            guard offset + 12 + length <= bytes.count else { throw Truncated() }
            chunks.append(PNGChunk(
                type: String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self),
                data: Array(bytes[offset + 8..<offset + 8 + length]),
                storedCRC: uint32(bytes, at: offset + 8 + length)))
            offset += 12 + length
        }
        return chunks
    }

    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
