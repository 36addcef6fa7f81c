import Foundation
import WABinary
import WACrypto
import WagoTestSupport

/// Reads `vectors/pairing.json`: its cases by kind, hex fields, key pairs and nodes in the node
/// form of binary.json (`attr_types`/`jids` say which attributes are JIDs; content is null, a
/// list, `{hex}` or `{string}`).
enum PairingVectors {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    // Parsed once; read-only after initialisation.
    nonisolated(unsafe) private static let parsed = Result { try SharedData.json("vectors/pairing.json") }

    /// The cases of one `kind`.
    static func cases(_ kind: String) throws -> [[String: Any]] {
        guard let all = try parsed.get()["cases"] as? [[String: Any]] else { throw Malformed(description: "no cases") }
        return all.filter { $0["kind"] as? String == kind }
    }

    /// The single case of `kind`.
    static func only(_ kind: String) throws -> [String: Any] {
        let found = try cases(kind)
        guard found.count == 1, let only = found.first else {
            throw Malformed(description: "\(found.count) cases of kind \(kind)")
        }
        return only
    }

    /// A node from the vector node form.
    static func node(_ object: Any?) throws -> Node {
        guard let object = object as? [String: Any], let tag = object["tag"] as? String else {
            throw Malformed(description: "node without tag")
        }
        let types = object["attr_types"] as? [String: String] ?? [:]
        let jids = object["jids"] as? [String: [String: Any]] ?? [:]
        var attributes = Attributes()
        for (key, value) in (object["attrs"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
            if types[key] == "jid" {
                guard let jid = jids[key], let user = jid["user"] as? String, let server = jid["server"] as? String
                else { throw Malformed(description: "bad jid \(key)") }
                attributes[key] = .jid(JID(user: user, server: server, device: UInt16(jid["device"] as? Int ?? 0)))
            } else {
                attributes[key] = .string(value)
            }
        }
        let content: Node.Content
        switch object["content"] {
        case nil, is NSNull: content = .none
        case let list as [Any]: content = .nodes(try list.map(node))
        case let form as [String: String]:
            if let hex = form["hex"] {
                content = .bytes(try bytes(hex))
            } else if let string = form["string"] {
                content = .string(string)
            } else {
                throw Malformed(description: "unknown content form \(form.keys)")
            }
        default: throw Malformed(description: "unknown content in <\(tag)>")
        }
        return Node(tag: tag, attributes: attributes, content: content)
    }

    static func bytes(_ hex: String) throws -> [UInt8] {
        guard let data = Data(hex: hex) else { throw Malformed(description: "bad hex \(hex.prefix(40))") }
        return [UInt8](data)
    }

    /// What a node looks like after a trip over the wire (strings that are neither tokens nor
    /// packable come back as bytes), for comparing nodes built in different ways.
    static func wireForm(_ node: Node) throws -> Node {
        try Node(frame: node.encodedFrame())
    }
}

/// Typed access to the JSON objects of the vectors.
extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) throws -> [String: Any] {
        guard let value = self[key] as? [String: Any] else {
            throw PairingVectors.Malformed(description: "no object \(key)")
        }
        return value
    }

    func string(_ key: String) throws -> String {
        guard let value = self[key] as? String else { throw PairingVectors.Malformed(description: "no string \(key)") }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let value = self[key] as? Int else { throw PairingVectors.Malformed(description: "no integer \(key)") }
        return value
    }

    /// The bytes of the hex string at `key`.
    func bytes(_ key: String) throws -> [UInt8] {
        try PairingVectors.bytes(string(key))
    }

    /// The key pair whose private half is at `key`.private_hex; its public half is checked.
    func keyPair(_ key: String) throws -> Curve25519KeyPair {
        let fields = try object(key)
        let pair = try Curve25519KeyPair(privateKey: fields.bytes("private_hex"))
        guard try pair.publicKey.bytes == fields.bytes("public_hex") else {
            throw PairingVectors.Malformed(description: "\(key): public key does not match the private key")
        }
        return pair
    }

    /// The decoded frame of the `index`th of `decrypted_nodes_in_order`.
    func wireNode(_ index: Int) throws -> Node {
        guard let nodes = self["decrypted_nodes_in_order"] as? [[String: Any]], index < nodes.count else {
            throw PairingVectors.Malformed(description: "no decrypted node \(index)")
        }
        return try Node(frame: nodes[index].bytes("hex"))
    }

    /// The hex frame of the `index`th of `decrypted_nodes_in_order`.
    func wireBytes(_ index: Int) throws -> [UInt8] {
        guard let nodes = self["decrypted_nodes_in_order"] as? [[String: Any]], index < nodes.count else {
            throw PairingVectors.Malformed(description: "no decrypted node \(index)")
        }
        return try nodes[index].bytes("hex")
    }
}
