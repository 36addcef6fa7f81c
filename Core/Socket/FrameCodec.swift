/// WhatsApp's framing below the Noise layer: a 4-byte connection header sent once by the
/// client, then frames of a 3-byte big-endian length followed by that many bytes. WebSocket
/// message boundaries mean nothing: one message may hold several frames or part of one.
public enum WAFraming {
    /// "WA", magic 6, dictionary version 3. Also the Noise prologue.
    public static let header: [UInt8] = [0x57, 0x41, 0x06, 0x03]
    /// Frame payloads are strictly shorter than this (the length field has 24 bits).
    public static let maxFrameSize = 1 << 24
    /// Bytes in a frame's length prefix.
    public static let lengthSize = 3
    /// Marks the optional routing prefix some clients send before the header: "ED" 0x00 0x01.
    static let routingPrefixMagic: [UInt8] = [0x45, 0x44, 0x00, 0x01]
}

/// Why bytes could not be framed or unframed.
public enum FrameError: Error, Equatable, Sendable {
    /// A payload of this many bytes does not fit the 24-bit length field.
    case frameTooLarge(Int)
    /// The stream did not start with the expected `WA` connection header.
    case invalidHeader([UInt8])
    /// The stream ended in the middle of a header or frame; `buffered` bytes were left.
    case truncated(buffered: Int)
}

/// Turns payloads into wire bytes. The first call also emits the connection header (and the
/// optional routing prefix) when `sendsHeader` is set, as the client side must.
public struct FrameEncoder: Sendable {
    private var pendingPrefix: [UInt8]

    /// - Parameters:
    ///   - sendsHeader: true on the client side: the header goes out before the first frame.
    ///   - routingInfo: edge routing bytes sent as `"ED" 00 01 <len:3> <routingInfo>` before the
    ///     header (only with `sendsHeader`).
    public init(sendsHeader: Bool, routingInfo: [UInt8]? = nil) {
        var prefix: [UInt8] = []
        if sendsHeader {
            if let routingInfo {
                prefix = WAFraming.routingPrefixMagic + Self.lengthPrefix(routingInfo.count) + routingInfo
            }
            prefix += WAFraming.header
        }
        pendingPrefix = prefix
    }

    /// The wire bytes for one frame: any pending header, the 3-byte length and the payload.
    public mutating func encode<Payload: Collection<UInt8>>(_ payload: Payload) throws(FrameError) -> [UInt8] {
        let count = payload.count
        guard count < WAFraming.maxFrameSize else { throw .frameTooLarge(count) }
        var out = pendingPrefix
        pendingPrefix = []
        out.reserveCapacity(out.count + WAFraming.lengthSize + count)
        out += Self.lengthPrefix(count)
        out += payload
        return out
    }

    static func lengthPrefix(_ count: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
    }
}

/// Reassembles frames from arbitrarily split incoming bytes.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    /// Read position in `buffer`; consumed bytes are dropped lazily to avoid quadratic copying.
    private var position = 0
    private var awaitingHeader: Bool
    private let maxFrameSize: Int

    /// - Parameters:
    ///   - expectsHeader: true on the server side: the peer starts with the connection header,
    ///     optionally preceded by a routing prefix.
    ///   - maxFrameSize: frames announcing a larger length are rejected before being buffered.
    public init(expectsHeader: Bool, maxFrameSize: Int = WAFraming.maxFrameSize - 1) {
        awaitingHeader = expectsHeader
        self.maxFrameSize = maxFrameSize
    }

    /// Routing info the peer sent before its header, if any (server side).
    public private(set) var routingInfo: [UInt8]?

    /// Adds received bytes and returns every frame payload now complete, in order.
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(FrameError) -> [[UInt8]] {
        buffer += bytes
        var frames: [[UInt8]] = []
        if awaitingHeader {
            guard try consumeHeader() else { return frames }
        }
        while available >= WAFraming.lengthSize {
            let length = Int(buffer[position]) << 16 | Int(buffer[position + 1]) << 8 | Int(buffer[position + 2])
            guard length <= maxFrameSize else { throw .frameTooLarge(length) }
            guard available >= WAFraming.lengthSize + length else { break }
            let start = position + WAFraming.lengthSize
            frames.append(Array(buffer[start..<start + length]))
            position = start + length
        }
        compact()
        return frames
    }

    /// Call when the transport closes: throws if a partial frame was left over.
    public func finish() throws(FrameError) {
        if available > 0 { throw .truncated(buffered: available) }
    }

    private var available: Int { buffer.count - position }

    /// Consumes the optional routing prefix and the header; false while more bytes are needed.
    private mutating func consumeHeader() throws(FrameError) -> Bool {
        let magic = WAFraming.routingPrefixMagic
        if available >= 1, buffer[position] == magic[0] {
            let seen = buffer[position..<min(buffer.count, position + magic.count)]
            guard seen.elementsEqual(magic.prefix(seen.count)) else { throw .invalidHeader(Array(seen)) }
            let lengthEnd = position + magic.count + WAFraming.lengthSize
            guard buffer.count >= lengthEnd else { return false }
            let length = Int(buffer[lengthEnd - 3]) << 16 | Int(buffer[lengthEnd - 2]) << 8 | Int(buffer[lengthEnd - 1])
            guard buffer.count >= lengthEnd + length else { return false }
            routingInfo = Array(buffer[lengthEnd..<lengthEnd + length])
            position = lengthEnd + length
        }
        let header = WAFraming.header
        let seen = buffer[position..<min(buffer.count, position + header.count)]
        guard seen.elementsEqual(header.prefix(seen.count)) else { throw .invalidHeader(Array(seen)) }
        guard seen.count == header.count else { return false }
        position += header.count
        awaitingHeader = false
        return true
    }

    private mutating func compact() {
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 4096 && position * 2 > buffer.count {
            buffer.removeFirst(position)
            position = 0
        }
    }
}
