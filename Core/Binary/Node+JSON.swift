import Foundation

/// The JSON form of a node, shared by the plugin ABI, the debug CLI and users:
///
///     {"tag":"iq","attrs":{"id":"1","to":"@s.whatsapp.net"},"content":[...]}
///
/// - `attrs`: key → string. JIDs are written as strings; a JID with an empty user is written
///   `@server` (e.g. `@s.whatsapp.net`) so that it reads back as a JID.
/// - `content`: absent (or `null`) for none; an array of nodes; a JSON string for a string
///   (one the wire carries as a token or packed string — other strings go out as raw bytes
///   and decode as bytes); `{"bytes":"<base64>"}` for raw bytes; `{"jid":"<jid>"}` for a JID
///   (one whose string form does not read back as a JID, which only hostile input yields, is
///   written as a plain string).
///
/// **Which attribute strings become JIDs** when reading JSON (see `AttributeValue(json:)`):
/// every value containing `@` that whatsmeow's `ParseJID` accepts with a non-empty server
/// (the convention of `shared/bench`), plus the bare server names `s.whatsapp.net` and `g.us`
/// (how whatsmeow's `JID.String()` prints `types.ServerJID` and `types.GroupServerJID`, e.g.
/// `<iq to="s.whatsapp.net">`). Everything else stays a string, so ordinary values such as
/// `addressing_mode="lid"` are left alone. An interop JID's integrator is not part of its
/// string form and reads back as 0.
///
/// Attribute order is not kept by JSON objects; attributes read from JSON are sorted by key,
/// the order of whatsmeow's canonical encodings.
extension Node {
    /// The node as JSON, attributes in node order. `pretty` indents one child per line.
    public func jsonData(pretty: Bool = false) -> Data {
        var writer = JSONWriter(pretty: pretty)
        writer.write(self, indent: 0)
        return Data(writer.output.utf8)
    }

    /// A node from its JSON form.
    public init(json: Data) throws(NodeJSONError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw .invalidJSON(String(describing: error))
        }
        self = try Self.node(fromJSON: object, path: "$")
    }

    private static func node(fromJSON object: Any, path: String) throws(NodeJSONError) -> Node {
        guard let dictionary = object as? [String: Any] else { throw .notAnObject(path: path) }
        for key in dictionary.keys where !["tag", "attrs", "content"].contains(key) {
            throw .unknownKey(path: path, key: key)
        }
        guard let tag = dictionary["tag"] as? String, !tag.isEmpty else { throw .missingTag(path: path) }

        var attributes = Attributes()
        if let rawAttributes = dictionary["attrs"], !(rawAttributes is NSNull) {
            guard let pairs = rawAttributes as? [String: Any] else { throw .invalidAttributes(path: path) }
            for key in pairs.keys.sorted() {
                guard let value = pairs[key] as? String else {
                    throw .invalidAttributeValue(path: path, key: key)
                }
                attributes.append(key: key, value: AttributeValue(json: value))
            }
        }

        let content: Content
        switch dictionary["content"] {
        case nil, is NSNull:
            content = .none
        case let string as String:
            content = .string(string)
        case let array as [Any]:
            var children: [Node] = []
            children.reserveCapacity(array.count)
            for (i, child) in array.enumerated() {
                children.append(try node(fromJSON: child, path: "\(path).content[\(i)]"))
            }
            content = .nodes(children)
        case let object as [String: Any]:
            content = try Self.content(fromJSONObject: object, path: "\(path).content")
        default:
            throw .invalidContent(path: path)
        }
        return Node(tag: tag, attributes: attributes, content: content)
    }

    private static func content(fromJSONObject object: [String: Any], path: String) throws(NodeJSONError) -> Content {
        guard object.count == 1, let (key, value) = object.first, let text = value as? String else {
            throw .invalidContent(path: path)
        }
        switch key {
        case "bytes":
            guard let bytes = Data(base64Encoded: text) else { throw .invalidBase64(path: path) }
            return .bytes([UInt8](bytes))
        case "jid":
            guard let jid = JID(jsonString: text) else { throw .invalidJID(path: path, value: text) }
            return .jid(jid)
        default:
            throw .invalidContent(path: path)
        }
    }
}

extension JID {
    /// The JID that `string` spells in the JSON form, or nil when it spells none.
    init?(jsonString string: String) {
        guard let jid = try? JID(parsing: string), !jid.server.isEmpty else { return nil }
        self = jid
    }
}

extension AttributeValue {
    /// An attribute value read from the JSON form: a JID when `string` looks like one by the
    /// rule in the JSON form's documentation (the `Node` extension in Node+JSON.swift),
    /// otherwise the string itself.
    public init(json string: String) {
        if string.utf8.contains(UInt8(ascii: "@")) {
            if let jid = JID(jsonString: string) {
                self = .jid(jid)
                return
            }
        } else if string == JID.userServer || string == JID.groupServer {
            self = .jid(JID(user: "", server: string))
            return
        }
        self = .string(string)
    }

    /// The value as written in the JSON form.
    public var jsonString: String {
        switch self {
        case .string(let string): string
        // The two servers the reading rule recognises bare print as whatsmeow prints them;
        // any other server-only JID keeps its `@` so that it reads back as a JID.
        case .jid(let jid) where jid.user.isEmpty && jid.rawAgent == 0 && jid.device == 0:
            jid.server == JID.userServer || jid.server == JID.groupServer ? jid.server : "@\(jid.server)"
        case .jid(let jid): jid.description
        }
    }
}

/// Why JSON is not a valid node. `path` names the node, e.g. `$.content[2].content[0]`.
public enum NodeJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidJSON(String)
    case notAnObject(path: String)
    case unknownKey(path: String, key: String)
    case missingTag(path: String)
    case invalidAttributes(path: String)
    case invalidAttributeValue(path: String, key: String)
    case invalidContent(path: String)
    case invalidBase64(path: String)
    case invalidJID(path: String, value: String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): "not valid JSON: \(reason)"
        case .notAnObject(let path): "\(path): a node must be a JSON object"
        case .unknownKey(let path, let key): "\(path): unknown key \"\(key)\" (expected tag, attrs, content)"
        case .missingTag(let path): "\(path): \"tag\" must be a non-empty string"
        case .invalidAttributes(let path): "\(path): \"attrs\" must be an object of strings"
        case .invalidAttributeValue(let path, let key): "\(path): attribute \"\(key)\" must be a string"
        case .invalidContent(let path):
            "\(path): content must be absent, null, an array of nodes, a string, {\"bytes\":base64} or {\"jid\":string}"
        case .invalidBase64(let path): "\(path): \"bytes\" is not valid base64"
        case .invalidJID(let path, let value): "\(path): \"\(value)\" is not a JID"
        }
    }
}

/// Writes the JSON form by hand: key order is fixed (tag, attrs, content) and attributes keep
/// node order, which JSONSerialization would not do.
private struct JSONWriter {
    let pretty: Bool
    var output = ""

    init(pretty: Bool) { self.pretty = pretty }

    mutating func write(_ node: Node, indent: Int) {
        output += pretty ? "{\"tag\": " : "{\"tag\":"
        writeString(node.tag)
        output += pretty ? ", \"attrs\": {" : ",\"attrs\":{"
        for (i, attribute) in node.attributes.enumerated() {
            if i > 0 { output += pretty ? ", " : "," }
            writeString(attribute.key)
            output += pretty ? ": " : ":"
            writeString(attribute.value.jsonString)
        }
        output += "}"
        switch node.content {
        case .none: break
        case .string(let string):
            output += pretty ? ", \"content\": " : ",\"content\":"
            writeString(string)
        case .bytes(let bytes):
            output += pretty ? ", \"content\": {\"bytes\": " : ",\"content\":{\"bytes\":"
            writeString(Data(bytes).base64EncodedString())
            output += "}"
        case .jid(let jid):
            let text = AttributeValue.jid(jid).jsonString
            // A JID whose parts cannot be spelled as one (e.g. a user with a `.`, or no
            // server; only hostile input has these) is written as the string it prints as.
            guard JID(jsonString: text) != nil else {
                output += pretty ? ", \"content\": " : ",\"content\":"
                writeString(text)
                break
            }
            output += pretty ? ", \"content\": {\"jid\": " : ",\"content\":{\"jid\":"
            writeString(text)
            output += "}"
        case .nodes(let children):
            output += pretty ? ", \"content\": [" : ",\"content\":["
            for (i, child) in children.enumerated() {
                if i > 0 { output += "," }
                if pretty { output += "\n" + String(repeating: "  ", count: indent + 1) }
                write(child, indent: indent + 1)
            }
            if pretty && !children.isEmpty { output += "\n" + String(repeating: "  ", count: indent) }
            output += "]"
        }
        output += "}"
    }

    private mutating func writeString(_ string: String) {
        output += string.jsonQuoted
    }
}
