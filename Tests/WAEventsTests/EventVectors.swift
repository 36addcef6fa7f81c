import Foundation
import Testing
import WABinary
import WAEvents
import WagoTestSupport

/// The cases of `vectors/events.json`, and readers for the parts of a case the tests build
/// events from: stanzas in the vectors' node form, JIDs, and Go-style times.
enum EventVectors {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    // Parsed once; read-only after initialisation.
    nonisolated(unsafe) private static let parsed = Result { try SharedData.json("vectors/events.json") }

    /// Every case's id (empty when the file is missing; `everyCaseIsCovered` fails then).
    static func ids(prefix: String = "") -> [String] {
        let cases = (try? parsed.get())?["cases"] as? [[String: Any]] ?? []
        return cases.compactMap { $0["id"] as? String }.filter { $0.hasPrefix(prefix) }
    }

    static func `case`(_ id: String) throws -> [String: Any] {
        guard let cases = try parsed.get()["cases"] as? [[String: Any]],
            let found = cases.first(where: { $0["id"] as? String == id })
        else { throw Malformed(description: "no case \(id)") }
        return found
    }

    /// The case's `json_data` bytes.
    static func expectedJSON(_ vector: [String: Any]) throws -> [UInt8] {
        guard let text = vector["json_data"] as? String else { throw Malformed(description: "no json_data") }
        return Array(text.utf8)
    }

    /// `json.event` of the case.
    static func event(_ vector: [String: Any]) throws -> [String: Any] {
        guard let json = vector["json"] as? [String: Any], let event = json["event"] as? [String: Any] else {
            throw Malformed(description: "no json.event")
        }
        return event
    }

    /// The input stanza, marshalled and decoded again as whatsmeow's handlers saw it.
    static func stanza(_ vector: [String: Any]) throws -> Node {
        guard let input = vector["input"] as? [String: Any] else { throw Malformed(description: "no input") }
        return try Node(frame: node(input["stanza"]).encodedFrame())
    }

    /// A node in the vectors' JSON form (`attr_types`/`jids` mark JID attributes; content is
    /// null, a list, `{hex}` or `{string}`).
    static func node(_ object: Any?) throws -> Node {
        guard let object = object as? [String: Any], let tag = object["tag"] as? String else {
            throw Malformed(description: "node without tag")
        }
        let types = object["attr_types"] as? [String: String] ?? [:]
        var attributes = Attributes()
        for (key, value) in (object["attrs"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
            attributes[key] = types[key] == "jid" ? .jid(try JID(parsing: value)) : .string(value)
        }
        let content: Node.Content
        switch object["content"] {
        case let list as [Any]: content = .nodes(try list.map(node))
        case let value as [String: Any]:
            if let hex = value["hex"] as? String, let bytes = Data(hex: hex) {
                content = .bytes([UInt8](bytes))
            } else if let string = value["string"] as? String {
                content = .string(string)
            } else {
                throw Malformed(description: "unknown content form in \(tag)")
            }
        default: content = .none
        }
        return Node(tag: tag, attributes: attributes, content: content)
    }

    /// A JID written as a string in the payload (`""` is the zero JID).
    static func jid(_ value: Any?) throws -> JID {
        guard let text = value as? String else { throw Malformed(description: "not a JID string: \(String(describing: value))") }
        return try JID(parsing: text)
    }

    /// `time.Unix(t, 0)` for a stanza's `t`-style attribute, in UTC as the vectors were made
    /// (São Paulo for the one case made there).
    static func time(_ node: Node, _ attribute: String, zone: TimeZone = TimeZone(identifier: "UTC")!) throws -> GoTime {
        guard let text = node[attribute]?.description, let seconds = Int64(text) else {
            throw Malformed(description: "no numeric \(attribute) on <\(node.tag)>")
        }
        return try GoTime(unixSeconds: seconds, in: zone)
    }

    /// A payload's `MessageSource` fields, read back from the expected JSON object.
    static func source(_ object: [String: Any]) throws -> MessageSource {
        var source = MessageSource()
        source.chat = try jid(object["Chat"])
        source.sender = try jid(object["Sender"])
        source.isFromMe = object["IsFromMe"] as? Bool ?? false
        source.isGroup = object["IsGroup"] as? Bool ?? false
        source.addressingMode = object["AddressingMode"] as? String ?? ""
        source.senderAlt = try jid(object["SenderAlt"])
        source.recipientAlt = try jid(object["RecipientAlt"])
        source.broadcastListOwner = try jid(object["BroadcastListOwner"])
        return source
    }
}

/// Compares bytes as text, so a failure shows both payloads.
func expectJSON(_ actual: [UInt8], _ expected: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self), sourceLocation: sourceLocation)
}
