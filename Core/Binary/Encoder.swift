extension Node {
    /// The node as a frame payload for the Noise layer: the flag byte `0x00` (uncompressed)
    /// followed by the node, written the way whatsmeow's `Marshal` writes it.
    public func encodedFrame() throws(BinaryEncodingError) -> [UInt8] {
        var encoder = NodeEncoder()
        encoder.append(0)
        try encoder.writeNode(self)
        return encoder.finish()
    }
}

/// Writes nodes into a growable buffer it owns. Strings go out as the first form that fits:
/// single-byte token, double-byte token, NIBBLE_8, HEX_8, then raw BINARY_8/20/32.
///
/// The buffer is raw memory rather than `[UInt8]` because appends are the innermost loop and
/// an array append re-checks uniqueness every time.
private struct NodeEncoder: ~Copyable {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    // Held here so that the hot path does not go through the lazy global's accessor.
    private let tokenIndex = Tokens.index
    private let packing = PackedCharacter.table

    init() {
        capacity = 1024
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// The bytes written.
    consuming func finish() -> [UInt8] {
        Array(UnsafeBufferPointer(start: buffer, count: count))
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if capacity &- count < extra { grow(to: count + extra) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        capacity = max(capacity * 2, needed)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = grown
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        buffer[count] = byte
        count &+= 1
    }

    @inline(__always)
    private mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        buffer[count] = first
        buffer[count &+ 1] = second
        count &+= 2
    }

    @inline(__always)
    private mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8), UInt8(truncatingIfNeeded: value))
    }

    mutating func writeNode(_ node: Node) throws(BinaryEncodingError) {
        try node.attributes.withElements { attributes throws(BinaryEncodingError) in
            var written = 0  // whatsmeow drops empty string attributes
            for attribute in attributes where !attribute.value.isEmptyString { written &+= 1 }
            let hasContent = if case .none = node.content { 0 } else { 1 }
            try writeListStart(2 &* written &+ 1 &+ hasContent, tag: node.tag)
            try writeString(node.tag)
            for i in attributes.indices {
                switch attributes[i].value {
                case .string(let value):
                    if value.isEmpty { continue }
                    try writeString(attributes[i].key)
                    try writeString(value)
                case .jid(let jid):
                    try writeString(attributes[i].key)
                    try writeJID(jid)
                }
            }
        }
        switch node.content {
        case .none: break
        case .nodes(let children):
            try writeListStart(children.count, tag: node.tag)
            try children.withUnsafeBufferPointer { children throws(BinaryEncodingError) in
                for i in children.indices { try writeNode(children[i]) }
            }
        case .bytes(let bytes):
            try bytes.withUnsafeBufferPointer { bytes throws(BinaryEncodingError) in try writeRaw(bytes) }
        case .string(let string): try writeString(string)
        case .jid(let jid): try writeJID(jid)
        }
    }

    private mutating func writeListStart(_ count: Int, tag: String) throws(BinaryEncodingError) {
        switch count {
        case 0: append(WireTag.listEmpty)
        case 1..<256: append(WireTag.list8, UInt8(count))
        case 256...0xFFFF:
            append(WireTag.list16)
            appendUInt16(UInt16(count))
        default: throw .listTooLong(tag: tag, count: count)
        }
    }

    private mutating func writeString(_ string: String) throws(BinaryEncodingError) {
        // The one failure is checked here so that the UTF-8 closure below cannot throw.
        guard string.utf8.count <= Int(UInt32.max) else { throw .valueTooLong(count: string.utf8.count) }
        if string.utf8.withContiguousStorageIfAvailable({ writeString(utf8: $0) }) == nil {
            writeString(utf8: Array(string.utf8))  // a string without contiguous UTF-8 (bridged)
        }
    }

    private mutating func writeString(utf8: [UInt8]) {
        utf8.withUnsafeBufferPointer { writeString(utf8: $0) }
    }

    /// Writes a string no longer than `UInt32.max` bytes.
    private mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
        if let code = tokenIndex.code(for: utf8) {
            if code < 0x100 {
                append(UInt8(code))
            } else {
                appendUInt16(code)
            }
            return
        }
        if utf8.count <= WireTag.packedMax {
            var forms = PackedCharacter.nibbleForm | PackedCharacter.hexForm
            for byte in utf8 { forms &= packing[Int(byte)] }
            if forms & PackedCharacter.nibbleForm != 0 { return writePacked(utf8, tag: WireTag.nibble8) }
            if forms & PackedCharacter.hexForm != 0 { return writePacked(utf8, tag: WireTag.hex8) }
        }
        writeRawHeader(count: utf8.count)
        appendBytes(utf8)
    }

    /// A NIBBLE_8/HEX_8 string of characters already checked to fit its alphabet.
    private mutating func writePacked(_ utf8: UnsafeBufferPointer<UInt8>, tag: UInt8) {
        let odd = utf8.count & 1
        let byteCount = (utf8.count &+ 1) >> 1
        reserve(2 &+ byteCount)
        buffer[count] = tag
        buffer[count &+ 1] = UInt8(byteCount) | UInt8(odd << 7)
        let packed = buffer + (count &+ 2)
        for i in 0..<(utf8.count >> 1) {
            packed[i] = packing[Int(utf8[i &* 2])] & 0xF0 | packing[Int(utf8[i &* 2 &+ 1])] >> 4
        }
        if odd == 1 { packed[byteCount &- 1] = packing[Int(utf8[utf8.count &- 1])] & 0xF0 | 0x0F }
        count &+= 2 &+ byteCount
    }

    private mutating func writeRaw(_ bytes: UnsafeBufferPointer<UInt8>) throws(BinaryEncodingError) {
        guard bytes.count <= Int(UInt32.max) else { throw .valueTooLong(count: bytes.count) }
        writeRawHeader(count: bytes.count)
        appendBytes(bytes)
    }

    /// BINARY_8/20/32 and the length, for at most `UInt32.max` bytes.
    private mutating func writeRawHeader(count length: Int) {
        switch length {
        case 0..<256:
            append(WireTag.binary8, UInt8(length))
        case 256..<(1 << 20):
            append(WireTag.binary20, UInt8(length >> 16))
            appendUInt16(UInt16(truncatingIfNeeded: length))
        default:
            append(WireTag.binary32)
            appendUInt16(UInt16(truncatingIfNeeded: length >> 16))
            appendUInt16(UInt16(truncatingIfNeeded: length))
        }
    }

    private mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (buffer + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    /// whatsmeow's `writeJID`: AD_JID for devices on the user/LID servers and for every
    /// hosted JID, FB_JID for `msgr`, INTEROP_JID for `interop`, otherwise JID_PAIR.
    private mutating func writeJID(_ jid: JID) throws(BinaryEncodingError) {
        // The common servers first; `cheaplyEquals` rejects most other servers by length.
        let server = jid.server
        let isUserOrLID = server.cheaplyEquals(JID.userServer) || server.cheaplyEquals(JID.lidServer)
        if isUserOrLID, jid.device == 0 {
            try writeJIDPair(jid)
        } else if isUserOrLID || server.cheaplyEquals(JID.hostedServer) || server.cheaplyEquals(JID.hostedLIDServer) {
            append(WireTag.adJID)
            append(jid.actualAgent, UInt8(truncatingIfNeeded: jid.device))
            try writeString(jid.user)
        } else if server.cheaplyEquals(JID.messengerServer) {
            append(WireTag.fbJID)
            try writeString(jid.user)
            appendUInt16(jid.device)
            try writeString(server)
        } else if server.cheaplyEquals(JID.interopServer) {
            append(WireTag.interopJID)
            try writeString(jid.user)
            appendUInt16(jid.device)
            appendUInt16(jid.integrator)
            try writeString(server)
        } else {
            try writeJIDPair(jid)
        }
    }

    private mutating func writeJIDPair(_ jid: JID) throws(BinaryEncodingError) {
        append(WireTag.jidPair)
        if jid.user.isEmpty {
            append(WireTag.listEmpty)
        } else {
            try writeString(jid.user)
        }
        try writeString(jid.server)
    }
}

extension AttributeValue {
    fileprivate var isEmptyString: Bool {
        if case .string(let string) = self { return string.isEmpty }
        return false
    }
}
