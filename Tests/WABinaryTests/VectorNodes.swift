import Foundation
import Testing
import WABinary
import WagoTestSupport

/// Reads the node form of `vectors/binary.json` (see vectors/README.md): `attr_types` and
/// `jids` say which attributes are JIDs, content is null, a list, `{hex}`, `{string}`,
/// `{jid}` or `{generated}`.
enum VectorNodes {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// One entry of a section of binary.json, named for test output.
    struct Entry: Sendable, CustomTestStringConvertible {
        let section: String
        let index: Int
        let testDescription: String

        /// The entry's JSON object.
        func object() throws -> [String: Any] {
            guard let entries = try VectorNodes.binaryVectors()[section] as? [[String: Any]] else {
                throw Malformed(description: "no section \(section)")
            }
            return entries[index]
        }
    }

    // Parsed once; read-only after initialisation.
    nonisolated(unsafe) private static let parsed = Result { try SharedData.json("vectors/binary.json") }

    static func binaryVectors() throws -> [String: Any] { try parsed.get() }

    /// The entries of a section (empty when the file is missing; `vectorFileIsComplete` fails then).
    static func entries(_ section: String) -> [Entry] {
        let objects = (try? binaryVectors())?[section] as? [[String: Any]] ?? []
        return objects.enumerated().map { index, object in
            Entry(section: section, index: index, testDescription: object["description"] as? String ?? "#\(index)")
        }
    }

    static func node(_ object: Any?) throws -> Node {
        guard let object = object as? [String: Any], let tag = object["tag"] as? String else {
            throw Malformed(description: "node without tag: \(String(describing: object))")
        }
        let types = object["attr_types"] as? [String: String] ?? [:]
        let jids = object["jids"] as? [String: Any] ?? [:]
        var attributes = Attributes()
        for (key, value) in (object["attrs"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
            if types[key] == "jid" {
                attributes[key] = .jid(try jid(jids[key]))
            } else {
                attributes[key] = .string(value)
            }
        }
        return Node(tag: tag, attributes: attributes, content: try content(object["content"]))
    }

    static func jid(_ object: Any?) throws -> JID {
        guard let fields = object as? [String: Any], let user = fields["user"] as? String,
            let server = fields["server"] as? String
        else { throw Malformed(description: "bad jid fields: \(String(describing: object))") }
        return JID(
            user: user, server: server, rawAgent: UInt8(fields["raw_agent"] as? Int ?? 0),
            device: UInt16(fields["device"] as? Int ?? 0), integrator: UInt16(fields["integrator"] as? Int ?? 0))
    }

    static func content(_ object: Any?) throws -> Node.Content {
        switch object {
        case nil, is NSNull: return .none
        case let list as [Any]: return .nodes(try list.map(node))
        case let object as [String: Any]:
            if let hex = object["hex"] as? String {
                return .bytes(try bytes(hex))
            } else if let string = object["string"] as? String {
                return .string(string)
            } else if let jidFields = object["jid"] {
                return .jid(try jid(jidFields))
            } else if let rule = object["generated"] as? [String: Any], let length = rule["length"] as? Int {
                return .bytes(generated(length: length))
            }
            throw Malformed(description: "unknown content form \(object.keys)")
        default:
            throw Malformed(description: "unknown content \(String(describing: object))")
        }
    }

    /// The `{generated}` rule: byte i = i mod 256.
    static func generated(length: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: $0) }
    }

    static func bytes(_ hex: String) throws -> [UInt8] {
        guard let data = Data(hex: hex) else { throw Malformed(description: "bad hex \(hex.prefix(40))") }
        return [UInt8](data)
    }
}
