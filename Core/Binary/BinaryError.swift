/// Why bytes are not a valid binary node frame. Offsets count from the start of the node
/// bytes (after the flag byte, and after inflating a compressed frame).
public enum BinaryDecodingError: Error, Sendable, Equatable {
    /// The frame has no flag byte.
    case emptyFrame
    /// The input ends inside a value that starts at `offset`.
    case truncated(offset: Int)
    /// A byte that is not a valid token or wire tag where a value was expected.
    case invalidToken(UInt8, offset: Int)
    /// A node does not start with LIST_8 or LIST_16, or its list size is zero.
    case invalidListHeader(UInt8, offset: Int)
    /// A node's tag is missing, empty or not a string.
    case invalidTag(offset: Int)
    /// An attribute key is not a string.
    case invalidAttributeKey(offset: Int)
    /// An attribute value is neither a string nor a JID.
    case invalidAttributeValue(offset: Int)
    /// A packed (NIBBLE_8/HEX_8) string holds a nibble that is not allowed there.
    case invalidNibble(UInt8, offset: Int)
    /// A packed string claims an odd length of zero characters.
    case invalidPackedLength(offset: Int)
    /// A JID's parts are malformed, e.g. FB_JID whose server is not `msgr`.
    case invalidJID(offset: Int)
    /// Nodes are nested deeper than `DecodingLimits.maxDepth`.
    case tooDeep(limit: Int)
    /// Bytes are left over after the node.
    case trailingBytes(count: Int)
    /// A compressed frame is not a valid zlib stream.
    case invalidCompressedData
    /// A compressed frame inflates to more than `DecodingLimits.maxInflatedSize` bytes.
    case inflatedTooLarge(limit: Int)
}

/// Why a node cannot be written in the binary format.
public enum BinaryEncodingError: Error, Sendable, Equatable {
    /// A list (children, or attributes plus tag and content) has more than 65535 entries.
    case listTooLong(tag: String, count: Int)
    /// Bytes or a string longer than BINARY_32 can carry.
    case valueTooLong(count: Int)
}

/// Bounds that keep decoding hostile input cheap. Allocation is already bounded by the input:
/// every length and list size is checked against the bytes that remain before allocating.
public struct DecodingLimits: Sendable {
    /// The deepest nesting of nodes accepted (real traffic stays under 10).
    public var maxDepth: Int
    /// The most bytes a compressed frame may inflate to.
    public var maxInflatedSize: Int

    public init(maxDepth: Int = 64, maxInflatedSize: Int = 32 << 20) {
        self.maxDepth = maxDepth
        self.maxInflatedSize = maxInflatedSize
    }

    public static let `default` = DecodingLimits()
}
