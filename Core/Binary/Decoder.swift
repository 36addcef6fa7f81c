extension Node {
    /// Decodes a frame payload as it comes out of the Noise layer: a flag byte, then the
    /// node, zlib-compressed when `flag & 2` is set.
    public init<Bytes: Collection<UInt8>>(
        frame: Bytes, limits: DecodingLimits = .default
    ) throws(BinaryDecodingError) {
        self = try Self.withContiguousBytes(frame) { frame throws(BinaryDecodingError) in
            guard let flag = frame.first else { throw .emptyFrame }
            let payload = UnsafeBufferPointer(rebasing: frame[1...])
            guard flag & 2 != 0 else { return try Self.decodeNode(payload, limits: limits) }
            let inflated = try Zlib.inflate(payload, limit: limits.maxInflatedSize)
            return try inflated.withUnsafeBufferPointer { node throws(BinaryDecodingError) in
                try Self.decodeNode(node, limits: limits)
            }
        }
    }

    /// Decodes node bytes without a flag byte (an already unpacked frame).
    public init<Bytes: Collection<UInt8>>(
        nodeBytes: Bytes, limits: DecodingLimits = .default
    ) throws(BinaryDecodingError) {
        self = try Self.withContiguousBytes(nodeBytes) { node throws(BinaryDecodingError) in
            try Self.decodeNode(node, limits: limits)
        }
    }

    /// Runs `body` on the bytes in place when they are contiguous, else on a copy.
    private static func withContiguousBytes<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, _ body: (UnsafeBufferPointer<UInt8>) throws(BinaryDecodingError) -> Node
    ) throws(BinaryDecodingError) -> Node {
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(BinaryDecodingError) in try body(buffer) }
        }
        if let inPlace { return try inPlace.get() }
        return try Array(bytes).withUnsafeBufferPointer(body)
    }

    private static func decodeNode(
        _ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits
    ) throws(BinaryDecodingError) -> Node {
        var decoder = NodeDecoder(bytes: bytes, maxDepth: limits.maxDepth)
        let node = try decoder.readNode(depth: 1)
        guard decoder.remaining == 0 else { throw .trailingBytes(count: decoder.remaining) }
        return node
    }
}

/// A cursor over node bytes. Every read checks the remaining length first, so hostile input
/// ends in a `BinaryDecodingError`, and lengths and counts are checked against the bytes
/// that remain before anything is allocated.
private struct NodeDecoder {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var position = 0
    // Held here so that the hot path does not go through the lazy globals' accessors.
    private let tokens = Tokens.byCode
    private let nibbleAlphabet = PackedAlphabet.nibble
    private let hexAlphabet = PackedAlphabet.hex

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var remaining: Int { bytes.count &- position }

    @inline(__always)
    private mutating func readByte() throws(BinaryDecodingError) -> UInt8 {
        guard position < bytes.count else { throw .truncated(offset: position) }
        defer { position &+= 1 }
        return bytes[position]
    }

    @inline(__always)
    private mutating func readBigEndian(_ width: Int) throws(BinaryDecodingError) -> Int {
        guard remaining >= width else { throw .truncated(offset: position) }
        var value = 0
        for i in 0..<width { value = value &<< 8 | Int(bytes[position &+ i]) }
        position &+= width
        return value
    }

    /// Takes `count` bytes of a value that starts at `start`.
    @inline(__always)
    private mutating func take(_ count: Int, start: Int) throws(BinaryDecodingError) -> UnsafeBufferPointer<UInt8> {
        guard count <= remaining else { throw .truncated(offset: start) }
        defer { position &+= count }
        return UnsafeBufferPointer(rebasing: bytes[position..<position &+ count])
    }

    mutating func readNode(depth: Int) throws(BinaryDecodingError) -> Node {
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
        let start = position
        let listTag = try readByte()
        guard listTag == WireTag.list8 || listTag == WireTag.list16 else {
            throw .invalidListHeader(listTag, offset: start)
        }
        let size = try readBigEndian(listTag == WireTag.list8 ? 1 : 2)
        guard size > 0 else { throw .invalidListHeader(listTag, offset: start) }

        let tagStart = position
        guard let tag = try readString(orThrow: .invalidTag(offset: tagStart)), !tag.isEmpty else {
            throw .invalidTag(offset: tagStart)
        }

        let attributeCount = (size &- 1) >> 1
        // Each attribute takes at least two bytes; checking first bounds the reservation.
        guard attributeCount &* 2 <= remaining else { throw .truncated(offset: position) }
        let attributes: Attributes
        switch attributeCount {
        case 0: attributes = Attributes()
        case 1:
            let key = try readAttributeKey()
            // whatsmeow keeps a LIST_EMPTY value as nil, which its encoder then drops.
            if let value = try readAttributeValue() {
                attributes = Attributes(key: key, value: value)
            } else {
                attributes = Attributes()
            }
        default:
            var elements: [Attributes.Element] = []
            elements.reserveCapacity(attributeCount)
            for _ in 0..<attributeCount {
                let key = try readAttributeKey()
                if let value = try readAttributeValue() { elements.append(Attributes.Element(key: key, value: value)) }
            }
            attributes = Attributes(elements)
        }
        guard size & 1 == 0 else { return Node(tag: tag, attributes: attributes) }
        return Node(tag: tag, attributes: attributes, content: try readContent(depth: depth))
    }

    @inline(__always)
    private mutating func readAttributeKey() throws(BinaryDecodingError) -> String {
        let keyStart = position
        guard let key = try readString(orThrow: .invalidAttributeKey(offset: keyStart)) else {
            throw .invalidAttributeKey(offset: keyStart)
        }
        return key
    }

    /// A tag, key or JID part: a string, nil for LIST_EMPTY, `invalid` for anything else but
    /// an unknown byte (which is `invalidToken`).
    @inline(__always)
    private mutating func readString(orThrow invalid: BinaryDecodingError) throws(BinaryDecodingError) -> String? {
        let start = position
        let tag = try readByte()
        if let string = try readStringBody(tag: tag, start: start) { return string }
        switch tag {
        case WireTag.listEmpty: return nil
        case WireTag.list8, WireTag.list16, WireTag.jidPair, WireTag.adJID, WireTag.fbJID, WireTag.interopJID:
            throw invalid
        default: throw .invalidToken(tag, offset: start)
        }
    }

    /// The string that `tag` starts, or nil when `tag` is not a string form. Raw bytes
    /// become a string with invalid UTF-8 replaced, as whatsmeow's `string(bytes)` would
    /// print them.
    @inline(__always)
    private mutating func readStringBody(tag: UInt8, start: Int) throws(BinaryDecodingError) -> String? {
        switch tag {
        case 1...WireTag.lastSingleByteToken:
            return tokens[Int(tag)]
        case WireTag.dictionary0...WireTag.dictionary3:
            return tokens[Tokens.code(dictionaryTag: tag, index: try readByte())]
        case WireTag.nibble8:
            return try readPacked(nibbleAlphabet, start: start)
        case WireTag.hex8:
            return try readPacked(hexAlphabet, start: start)
        case WireTag.binary8, WireTag.binary20, WireTag.binary32:
            return String(decoding: try readRaw(tag: tag, start: start), as: UTF8.self)
        default:
            return nil
        }
    }

    /// The bytes of a BINARY_8/20/32 value.
    @inline(__always)
    private mutating func readRaw(tag: UInt8, start: Int) throws(BinaryDecodingError) -> UnsafeBufferPointer<UInt8> {
        let count =
            switch tag {
            case WireTag.binary8: try readBigEndian(1)
            case WireTag.binary20: try readBigEndian(3) & 0xF_FFFF
            default: try readBigEndian(4)
            }
        return try take(count, start: start)
    }

    /// A NIBBLE_8/HEX_8 string: a header byte (`0x80` = odd length, then the byte count)
    /// and two characters per byte, of which an odd string drops the last.
    private mutating func readPacked(_ alphabet: PackedAlphabet, start: Int) throws(BinaryDecodingError) -> String {
        let header = try readByte()
        let byteCount = Int(header & 0x7F)
        let odd = header & 0x80 != 0
        guard !(odd && byteCount == 0) else { throw .invalidPackedLength(offset: start) }
        let packed = try take(byteCount, start: start)
        if byteCount == 0 { return "" }
        let length = byteCount &* 2 &- (odd ? 1 : 0)
        // Valid pairs are ASCII, `invalidPair` is not: or-ing all pairs flags any invalid one
        // without a branch per byte.
        var seen: UInt16 = 0
        // Exactly `length` bytes of capacity: strings of up to 15 bytes are then stored inline.
        let pairs = alphabet.pairs
        let string = String(unsafeUninitializedCapacity: length) { output in
            let raw = UnsafeMutableRawPointer(output.baseAddress!)
            let wholePairs = byteCount &- (odd ? 1 : 0)
            for i in 0..<wholePairs {
                let pair = pairs[Int(packed[i])]
                seen |= pair
                raw.storeBytes(of: pair.littleEndian, toByteOffset: i &* 2, as: UInt16.self)
            }
            if odd {
                let pair = pairs[Int(packed[wholePairs])]
                seen |= pair
                output[length &- 1] = UInt8(truncatingIfNeeded: pair)
            }
            return seen & 0x8080 == 0 ? length : 0
        }
        guard seen & 0x8080 == 0 else {
            // The slow path, only to name the first nibble at fault.
            for (i, byte) in packed.enumerated() {
                for nibble in [byte >> 4, byte & 0x0F] where alphabet.characters[Int(nibble)] == nil {
                    throw .invalidNibble(nibble, offset: start &+ 2 &+ i)
                }
            }
            throw .invalidPackedLength(offset: start)
        }
        return string
    }

    /// An attribute value: a string, a JID, or nil for LIST_EMPTY.
    private mutating func readAttributeValue() throws(BinaryDecodingError) -> AttributeValue? {
        let start = position
        let tag = try readByte()
        if let string = try readStringBody(tag: tag, start: start) { return .string(string) }
        switch tag {
        case WireTag.listEmpty: return nil
        case WireTag.jidPair, WireTag.adJID, WireTag.fbJID, WireTag.interopJID:
            return .jid(try readJID(tag: tag, start: start))
        case WireTag.list8, WireTag.list16: throw .invalidAttributeValue(offset: start)
        default: throw .invalidToken(tag, offset: start)
        }
    }

    /// Node content: raw bytes stay bytes, token and packed strings are strings.
    private mutating func readContent(depth: Int) throws(BinaryDecodingError) -> Node.Content {
        let start = position
        let tag = try readByte()
        switch tag {
        case WireTag.listEmpty:
            return .none
        case WireTag.binary8, WireTag.binary20, WireTag.binary32:
            return .bytes(Array(try readRaw(tag: tag, start: start)))
        case WireTag.list8, WireTag.list16:
            let count = try readBigEndian(tag == WireTag.list8 ? 1 : 2)
            // A node takes at least two bytes; checking first bounds the reservation.
            guard count &* 2 <= remaining else { throw .truncated(offset: start) }
            var children: [Node] = []
            children.reserveCapacity(count)
            for _ in 0..<count { children.append(try readNode(depth: depth &+ 1)) }
            return .nodes(children)
        case WireTag.jidPair, WireTag.adJID, WireTag.fbJID, WireTag.interopJID:
            return .jid(try readJID(tag: tag, start: start))
        default:
            guard let string = try readStringBody(tag: tag, start: start) else {
                throw .invalidToken(tag, offset: start)
            }
            return .string(string)
        }
    }

    /// The JID that `tag` (JID_PAIR, AD_JID, FB_JID or INTEROP_JID) starts. Its parts must be
    /// strings, which also keeps JID parsing from recursing.
    private mutating func readJID(tag: UInt8, start: Int) throws(BinaryDecodingError) -> JID {
        let invalid = BinaryDecodingError.invalidJID(offset: start)
        switch tag {
        case WireTag.jidPair:
            let user = try readString(orThrow: invalid) ?? ""
            guard let server = try readString(orThrow: invalid) else { throw invalid }
            return JID(user: user, server: server)
        case WireTag.adJID:
            let agent = try readByte()
            let device = try readByte()
            guard let user = try readString(orThrow: invalid) else { throw invalid }
            return JID(adUser: user, agent: agent, device: device)
        case WireTag.fbJID:
            guard let user = try readString(orThrow: invalid) else { throw invalid }
            let device = UInt16(try readBigEndian(2))
            guard try readString(orThrow: invalid) == JID.messengerServer else { throw invalid }
            return JID(user: user, server: JID.messengerServer, device: device)
        default:
            guard let user = try readString(orThrow: invalid) else { throw invalid }
            let device = UInt16(try readBigEndian(2))
            let integrator = UInt16(try readBigEndian(2))
            guard try readString(orThrow: invalid) == JID.interopServer else { throw invalid }
            return JID(user: user, server: JID.interopServer, device: device, integrator: integrator)
        }
    }
}

/// The characters of a packed string format, and a byte → two characters table for it
/// (the low byte of a pair is the character of the high nibble).
private struct PackedAlphabet {
    /// Has the high bit of both bytes set, which no valid (ASCII) pair has.
    static let invalidPair: UInt16 = 0xFFFF

    /// NIBBLE_8: `0-9`, 10 `-`, 11 `.`, and 15, the padding nibble, which whatsmeow unpacks
    /// as NUL (and drops when it ends an odd string).
    static let nibble = PackedAlphabet { nibble in
        switch nibble {
        case 0...9: UInt8(ascii: "0") + nibble
        case 10: UInt8(ascii: "-")
        case 11: UInt8(ascii: ".")
        case 15: 0
        default: nil
        }
    }

    /// HEX_8: `0-9A-F`.
    static let hex = PackedAlphabet { nibble in
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }

    /// The character of each nibble; nil where the format does not allow it.
    let characters: ImmortalTable<UInt8?>
    /// The two characters of each byte, or `invalidPair`.
    let pairs: ImmortalTable<UInt16>

    private init(_ character: (UInt8) -> UInt8?) {
        let characters = (0..<16).map { character(UInt8($0)) }
        self.characters = ImmortalTable(characters)
        pairs = ImmortalTable(
            (0...255).map { byte in
                guard let high = characters[byte >> 4], let low = characters[byte & 0x0F] else { return Self.invalidPair }
                return UInt16(high) | UInt16(low) << 8
            })
    }
}
