import CZlib

/// zlib streams with the system zlib: compressed frames (flag byte `& 2`), and the history
/// blobs a phone sends its companions.
public enum Zlib {
    /// Inflates `bytes`, a zlib stream, refusing output beyond `limit` bytes.
    public static func inflate(_ bytes: [UInt8], limit: Int) throws(BinaryDecodingError) -> [UInt8] {
        try bytes.withUnsafeBufferPointer { buffer throws(BinaryDecodingError) in try inflate(buffer, limit: limit) }
    }

    /// Compresses `bytes` into a zlib stream (RFC 1950). Nil only when zlib runs out of memory.
    public static func deflate(_ bytes: [UInt8]) -> [UInt8]? {
        var compressed = [UInt8](repeating: 0, count: Int(compressBound(uLong(bytes.count))))
        var compressedCount = uLongf(compressed.count)
        guard compress2(&compressed, &compressedCount, bytes, uLong(bytes.count), Z_DEFAULT_COMPRESSION) == Z_OK else {
            return nil
        }
        return Array(compressed.prefix(Int(compressedCount)))
    }

    /// Inflates a zlib stream (RFC 1950), refusing output beyond `limit` bytes. Bytes after the
    /// end of the stream are ignored, as Go's `zlib.Reader` does.
    static func inflate(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(BinaryDecodingError) -> [UInt8] {
        guard input.count <= Int(UInt32.max) else { throw .invalidCompressedData }
        var stream = z_stream()
        guard czlib_inflate_init(&stream) == Z_OK else { throw .invalidCompressedData }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(input.count)

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { chunk in
                stream.next_out = chunk.baseAddress
                stream.avail_out = UInt32(chunk.count)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (status, chunk.count - Int(stream.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END else { throw .invalidCompressedData }
            guard output.count + produced <= limit else { throw .inflatedTooLarge(limit: limit) }
            output.append(contentsOf: chunk[0..<produced])
            if status == Z_STREAM_END { return output }
            // Z_OK with no progress means the input ended inside the stream.
            if produced == 0 && stream.avail_in == 0 { throw .invalidCompressedData }
        }
    }
}
