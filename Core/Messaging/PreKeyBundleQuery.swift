import WABinary
import WACrypto
import WASignal

/// Fetching peers' prekey bundles (`<iq xmlns=encrypt type=get><key><user jid/>…`) to start
/// Signal sessions with devices we have none with.
public enum PreKeyBundleQuery {
    public static func request(devices: [JID]) -> Node {
        Node(
            tag: "iq", attributes: ["to": .jid(MessagingNodes.server), "type": "get", "xmlns": "encrypt"],
            content: .nodes([
                Node(tag: "key", content: .nodes(devices.map { Node(tag: "user", attributes: ["jid": .jid($0)]) }))
            ]))
    }

    /// The bundles of an answer, by device; devices answered with an `<error>` are left out.
    public static func bundles(in answer: Node) throws(MessagingError) -> [JID: PreKeyBundle] {
        guard let list = answer.child(tagged: "list") else { throw .malformed("key answer without <list>") }
        var bundles: [JID: PreKeyBundle] = [:]
        for user in list.children(tagged: "user") where user.child(tagged: "error") == nil {
            guard let jid = user["jid"]?.jid else { throw .malformed("key answer <user> without jid") }
            bundles[jid] = try bundle(user, device: jid.device)
        }
        return bundles
    }

    /// One device's bundle from a node holding `<registration><identity><skey>[<key>]` (a key
    /// fetch's `<user>`, or a retry receipt's `<keys>` with its `<registration>`).
    static func bundle(_ user: Node, device: UInt16) throws(MessagingError) -> PreKeyBundle {
        let registration = try bytes(user, "registration", count: 4)
        let identity = try bytes(user, "identity", count: 32)
        guard let skey = user.child(tagged: "skey") else { throw .malformed("bundle without <skey>") }
        let signed = try key(skey)
        let signature = try bytes(skey, "signature", count: 64)
        let preKey = try user.child(tagged: "key").map { node throws(MessagingError) in try key(node) }
        do {
            return PreKeyBundle(
                registrationID: registration.reduce(0) { $0 << 8 | UInt32($1) }, deviceID: UInt32(device),
                preKey: try preKey.map { (id: $0.id, publicKey: try Curve25519PublicKey($0.value)) },
                signedPreKeyID: signed.id, signedPreKey: try Curve25519PublicKey(signed.value),
                signedPreKeySignature: signature, identityKey: try Curve25519PublicKey(identity))
        } catch {
            throw .malformed("bundle key: \(error)")
        }
    }

    private static func key(_ node: Node) throws(MessagingError) -> (id: UInt32, value: [UInt8]) {
        guard let id = PreKeyRecord.decodeID(try bytes(node, "id", count: 3)) else { throw .malformed("\(node.tag) id") }
        return (id, try bytes(node, "value", count: 32))
    }

    private static func bytes(_ parent: Node, _ tag: String, count: Int) throws(MessagingError) -> [UInt8] {
        guard case .bytes(let bytes)? = parent.child(tagged: tag)?.content, bytes.count == count else {
            throw .malformed("<\(tag)> must be \(count) bytes")
        }
        return bytes
    }
}
