import Foundation
import WABinary
import WACrypto
import WAMessaging
import WASignal

/// The `xmlns=encrypt` node shapes (whatsmeow's prekeys.go): uploads and rotations read, key
/// bundles written. Every size and signature is checked; a bad one refuses the whole iq.
enum PreKeyStanzas {
    /// What a `type=set` upload carries.
    struct Upload: Sendable {
        var registrationID: UInt32
        var identity: [UInt8]
        var preKeys: [PublishedKeys.PreKey]
        var signedPreKey: PublishedKeys.SignedPreKey
    }

    /// Reads `<registration><type><identity><list><key>…</list><skey>` and checks the signed prekey's signature.
    static func upload(_ iq: Node) throws(IQRefusal) -> Upload {
        let registration = try bytes(iq.child(tagged: "registration"), "registration", count: 4)
        guard try bytes(iq.child(tagged: "type"), "type", count: 1) == [Curve25519PublicKey.djbType] else {
            throw .badRequest("type must be 05")
        }
        let identity = try bytes(iq.child(tagged: "identity"), "identity", count: 32)
        guard let list = iq.child(tagged: "list") else { throw .badRequest("missing list") }
        var preKeys: [PublishedKeys.PreKey] = []
        for key in list.children {
            guard key.tag == "key" else { throw .badRequest("list holds <\(key.tag)>") }
            preKeys.append(try preKey(key))
        }
        let signedPreKey = try signedPreKey(iq.child(tagged: "skey"), identity: identity)
        return Upload(
            registrationID: registration.reduce(0) { $0 << 8 | UInt32($1) }, identity: identity, preKeys: preKeys,
            signedPreKey: signedPreKey)
    }

    /// Reads `<skey><id><value><signature>` and checks the signature by `identity` over `05 ‖ value`.
    static func signedPreKey(_ node: Node?, identity: [UInt8]) throws(IQRefusal) -> PublishedKeys.SignedPreKey {
        guard let node else { throw .badRequest("missing skey") }
        let key = try preKey(node)
        let signature = try bytes(node.child(tagged: "signature"), "skey signature", count: 64)
        guard
            XEdDSA.verify(
                publicKey: identity, message: [Curve25519PublicKey.djbType] + key.publicKey, signature: signature)
        else { throw .badRequest("skey signature does not verify with the identity key") }
        return PublishedKeys.SignedPreKey(id: key.id, publicKey: key.publicKey, signature: Data(signature))
    }

    /// `<user jid><registration><type><identity><skey>[<key>]</user>`: one device's bundle.
    static func user(_ jid: JID, keys: PublishedKeys, preKey: PublishedKeys.PreKey?) -> Node {
        var children = [
            Node(tag: "registration", content: .bytes(bigEndian(keys.registrationID, count: 4))),
            Node(tag: "type", content: .bytes([Curve25519PublicKey.djbType])),
            Node(tag: "identity", content: .bytes(Array(keys.identity))),
            PreKeyNodes.signedKey(
                id: keys.signedPreKey.id, publicKey: Array(keys.signedPreKey.publicKey),
                signature: Array(keys.signedPreKey.signature)),
        ]
        if let preKey {
            children.append(PreKeyNodes.key(id: preKey.id, publicKey: Array(preKey.publicKey)))
        }
        return Node(tag: "user", attributes: ["jid": .jid(jid)], content: .nodes(children))
    }

    /// `<user jid><error code=404 text=item-not-found/></user>` for a device the server does not know.
    static func unknownUser(_ jid: JID) -> Node {
        Node(tag: "user", attributes: ["jid": .jid(jid)], content: .nodes([IQRefusal.notFound("\(jid)").node]))
    }

    /// `<list>` with the bundle of each of `devices`, each taking one one-time prekey off the
    /// server; an unknown device gets `unknownUser`.
    static func claim(_ devices: [JID], from accounts: AccountStore) async throws(IQRefusal) -> Node {
        var users: [Node] = []
        for jid in devices {
            let claimed: (keys: PublishedKeys, preKey: PublishedKeys.PreKey?)?
            do {
                claimed = try await accounts.claimBundle(of: jid)
            } catch {
                throw .internalError("\(error)")
            }
            users.append(claimed.map { user(jid, keys: $0.keys, preKey: $0.preKey) } ?? unknownUser(jid))
        }
        return Node(tag: "list", content: .nodes(users))
    }

    /// The JIDs of a `<key><user jid/>…</key>` fetch.
    static func requestedUsers(_ key: Node) throws(IQRefusal) -> [JID] {
        let users = key.children(tagged: "user")
        guard !users.isEmpty else { throw .badRequest("key fetch names no user") }
        var jids: [JID] = []
        for user in users {
            guard let jid = user["jid"]?.jid else { throw .badRequest("user without a jid") }
            jids.append(jid)
        }
        return jids
    }

    /// `<key|skey><id>3 bytes</id><value>32 bytes</value>`.
    private static func preKey(_ node: Node) throws(IQRefusal) -> PublishedKeys.PreKey {
        let id = try bytes(node.child(tagged: "id"), "\(node.tag) id", count: 3)
        let value = try bytes(node.child(tagged: "value"), "\(node.tag) value", count: 32)
        guard let decoded = PreKeyRecord.decodeID(id) else { throw .badRequest("\(node.tag) id") }
        return PublishedKeys.PreKey(id: decoded, publicKey: Data(value))
    }

    private static func bytes(_ node: Node?, _ name: String, count: Int) throws(IQRefusal) -> [UInt8] {
        guard let node else { throw .badRequest("missing \(name)") }
        guard case .bytes(let bytes) = node.content, bytes.count == count else {
            throw .badRequest("\(name) must be \(count) bytes")
        }
        return bytes
    }

    private static func bigEndian(_ value: UInt32, count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
