import CZlib

/// A minimal PNG writer for black-and-white images: 1-bit grayscale, no interlace, filter type 0
/// on every scanline, all pixel data in one zlib-compressed IDAT chunk.
enum MonochromePNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `rows` are the image's scanlines, top to bottom, each `(width + 7) / 8` bytes packed most
    /// significant bit first, a set bit being white.
    static func encode(width: Int, rows: [[UInt8]]) throws(QRCodeError) -> [UInt8] {
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(rows.count))
            + [1, 0, 0, 0, 0]  // bit depth 1, grayscale, deflate, adaptive filtering, no interlace
        let scanlines: [UInt8] = rows.flatMap { [0] + $0 }  // filter type 0 (None) before each row
        return try signature + chunk("IHDR", header) + chunk("IDAT", deflate(scanlines)) + chunk("IEND", [])
    }

    /// Length, type, data, then the CRC-32 of type and data.
    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(UInt32(truncatingIfNeeded: crc))
    }

    private static func deflate(_ bytes: [UInt8]) throws(QRCodeError) -> [UInt8] {
        var compressed = [UInt8](repeating: 0, count: Int(compressBound(uLong(bytes.count))))
        var compressedCount = uLongf(compressed.count)
        let status = compress2(&compressed, &compressedCount, bytes, uLong(bytes.count), Z_BEST_COMPRESSION)
        guard status == Z_OK else { throw .compressionFailed(zlibStatus: status) }
        return Array(compressed.prefix(Int(compressedCount)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
