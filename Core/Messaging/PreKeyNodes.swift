import WABinary
import WASignal

/// The `<key>` and `<skey>` nodes of prekey uploads and bundles: the client uploads them, the
/// server hands them out.
public enum PreKeyNodes {
    /// `<key><id>3 bytes</id><value>32 bytes</value></key>`.
    public static func key(id: UInt32, publicKey: [UInt8]) -> Node {
        Node(tag: "key", content: .nodes(fields(id: id, publicKey: publicKey)))
    }

    /// `<skey><id/><value/><signature>64 bytes</signature></skey>`.
    public static func signedKey(id: UInt32, publicKey: [UInt8], signature: [UInt8]) -> Node {
        Node(tag: "skey", content: .nodes(fields(id: id, publicKey: publicKey) + [Node(tag: "signature", content: .bytes(signature))]))
    }

    private static func fields(id: UInt32, publicKey: [UInt8]) -> [Node] {
        [Node(tag: "id", content: .bytes(PreKeyRecord.encodeID(id))), Node(tag: "value", content: .bytes(publicKey))]
    }
}
