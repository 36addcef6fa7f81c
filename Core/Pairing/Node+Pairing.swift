import WABinary

/// Reading the fields of pairing stanzas, each failure naming the field.
extension Node {
    /// `s.whatsapp.net` as a JID value: whatsmeow compares `from` with `types.ServerJID`, so the
    /// server address must go on the wire as a JID, not as a string.
    static let serverAddress = AttributeValue.jid(JID(user: "", server: JID.userServer))

    /// The raw bytes of the content: bytes as they are, a string as its UTF-8 (a string the
    /// sender meant as bytes may decode as a packed string). Nil for no content or child nodes.
    var contentBytes: [UInt8]? {
        switch content {
        case .bytes(let bytes): bytes
        case .string(let string): Array(string.utf8)
        case .none, .nodes, .jid: nil
        }
    }

    /// The attribute `key` when it is a string.
    func string(_ key: String) -> String? {
        if case .string(let value) = attributes[key] { return value }
        return nil
    }

    /// The attribute `key` when it is a JID.
    func jid(_ key: String) -> JID? {
        attributes[key]?.jid
    }

    /// The first child tagged `tag`, or `malformed(tag)`.
    func requiredChild(_ tag: String) throws(PairingError) -> Node {
        guard let child = child(tagged: tag) else { throw .malformed("<\(tag)> missing") }
        return child
    }

    /// The content bytes of the child tagged `tag`; when `count` is given, exactly that many.
    func requiredBytes(_ tag: String, count: Int? = nil) throws(PairingError) -> [UInt8] {
        guard let bytes = try requiredChild(tag).contentBytes else { throw .malformed("<\(tag)> has no bytes") }
        if let count, bytes.count != count {
            throw .malformed("<\(tag)> has \(bytes.count) bytes, not \(count)")
        }
        return bytes
    }

    /// The string attribute `key`, or `malformed`.
    func requiredString(_ key: String) throws(PairingError) -> String {
        guard let value = string(key) else { throw .malformed("<\(tag)> lacks attribute \(key)") }
        return value
    }

    /// The JID attribute `key`, or `malformed`.
    func requiredJID(_ key: String) throws(PairingError) -> JID {
        guard let value = jid(key) else { throw .malformed("<\(tag)> lacks JID attribute \(key)") }
        return value
    }
}
