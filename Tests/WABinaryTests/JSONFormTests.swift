import Foundation
import Testing
import WABinary
import WagoTestSupport

/// The JSON form of nodes and the `wago debug decode` / `wago debug encode` conversions.
@Suite struct JSONFormTests {

    /// Every node the vectors describe reads back from its JSON form unchanged.
    @Test func vectorNodesRoundTrip() throws {
        let vectors = try VectorNodes.binaryVectors()
        var checked = 0
        for section in ["cases", "decode_only", "zlib_frames"] {
            for vector in try #require(vectors[section] as? [[String: Any]]) {
                // The large generated payloads add nothing here but time.
                if vector["encoded_length"] != nil { continue }
                let node = try VectorNodes.node(vector["decoded"] ?? vector["node"])
                let json = node.jsonData()
                let readBack = try Node(json: json)
                if (node["jid"]?.jid?.integrator ?? 0) != 0 {
                    // The one documented loss: the integrator is not part of a JID's string.
                    #expect(readBack["jid"]?.jid?.integrator == 0)
                    #expect(readBack["jid"]?.description == node["jid"]?.description)
                } else {
                    #expect(readBack == node, "\(vector["description"] ?? "") → \(String(decoding: json, as: UTF8.self))")
                }
                checked += 1
            }
        }
        #expect(checked == 71 + 16 + 2)
    }

    /// The benchmark inputs are in the JSON form; they encode to the sizes whatsmeow gives.
    @Test(arguments: [
        ("message-20.json", 3766), ("usync-500.json", 79523), ("receipt.json", 54), ("ack.json", 47),
    ])
    func benchInputs(name: String, encodedSize: Int) throws {
        let node = try Node(json: SharedData.data("bench/\(name)"))
        let frame = try node.encodedFrame()
        #expect(frame.count == encodedSize)
        #expect(try Node(frame: frame) == node)
        #expect(try Node(json: node.jsonData()) == node)
        #expect(try Node(json: node.jsonData(pretty: true)) == node)
    }

    @Test func formOfEachContentKind() throws {
        let node = Node(
            tag: "iq",
            attributes: ["id": "1", "to": .jid(JID(user: "", server: JID.userServer))],
            content: .nodes([
                Node(tag: "a", content: .string("text")),
                Node(tag: "b", content: .bytes([0, 1, 255])),
                Node(tag: "c", content: .jid(try JID(parsing: "1555:2@lid"))),
                Node(tag: "d"),
            ]))
        let json = String(decoding: node.jsonData(), as: UTF8.self)
        #expect(
            json == #"{"tag":"iq","attrs":{"id":"1","to":"s.whatsapp.net"},"content":["#
                + #"{"tag":"a","attrs":{},"content":"text"},{"tag":"b","attrs":{},"content":{"bytes":"AAH/"}},"#
                + #"{"tag":"c","attrs":{},"content":{"jid":"1555:2@lid"}},{"tag":"d","attrs":{}}]}"#)
        #expect(try Node(json: Data(json.utf8)) == node)
    }

    /// The rule documented on `Node.init(json:)`.
    @Test func whichAttributeStringsAreJIDs() {
        let jids = ["15550001234@s.whatsapp.net", "@s.whatsapp.net", "s.whatsapp.net", "g.us", "1:2@lid",
                    "120363000000000000@g.us", "status@broadcast", "1@newsletter", "1:3@msgr", "1:2@interop",
                    "1:99@hosted", "1:99@hosted.lid", "1@bot", "0@c.us", "abc@example.com"]
        for string in jids { #expect(AttributeValue(json: string).jid != nil, "\(string)") }
        let strings = ["lid", "a.b.c@s.whatsapp.net", "1:x@lid", "text", "", "1@"]
        for string in strings { #expect(AttributeValue(json: string) == .string(string), "\(string)") }
    }

    @Test func errorsNameWhatIsWrong() {
        func error(_ json: String) -> NodeJSONError? {
            do {
                _ = try Node(json: Data(json.utf8))
                return nil
            } catch { return error }
        }
        #expect(error("[") != nil)
        #expect(error("[]") == .notAnObject(path: "$"))
        #expect(error(#"{"attrs":{}}"#) == .missingTag(path: "$"))
        #expect(error(#"{"tag":"a","extra":1}"#) == .unknownKey(path: "$", key: "extra"))
        #expect(error(#"{"tag":"a","attrs":[]}"#) == .invalidAttributes(path: "$"))
        #expect(error(#"{"tag":"a","attrs":{"n":1}}"#) == .invalidAttributeValue(path: "$", key: "n"))
        #expect(error(#"{"tag":"a","content":[{"tag":"b"},{"tag":"c","content":5}]}"#) == .invalidContent(path: "$.content[1]"))
        #expect(error(#"{"tag":"a","content":{"bytes":"!!"}}"#) == .invalidBase64(path: "$.content"))
        #expect(error(#"{"tag":"a","content":{"jid":"1.2.3@lid"}}"#) == .invalidJID(path: "$.content", value: "1.2.3@lid"))
        #expect(error(#"{"tag":"a","content":{"other":"x"}}"#) == .invalidContent(path: "$.content"))
    }

    /// `wago debug decode` / `wago debug encode` on the protocol.md §2 golden vectors.
    @Test func debugConversions() throws {
        let iq = #"{"tag":"iq","attrs":{"id":"1.2-3","to":"s.whatsapp.net","type":"get","xmlns":"w:p"}}"#
        #expect(try NodeDebug.encode(json: Data(iq.utf8)) == "00f8091908ff831b2a3f11fa000304291657")
        for hex in [
            "00f8091908ff831b2a3f11fa000304291657", "00f8033b0cf70007ff8615550001234f",
            "00f8033b0cf70107ff88123456789012345f", "00f803110cfaff091203630000000000001c", "00f801edee",
        ] {
            let json = try NodeDebug.decode(hex: hex)
            #expect(try NodeDebug.encode(json: Data(json.utf8)) == hex, "\(json)")
        }
        // Compressed frames decode too; encoding always writes an uncompressed frame.
        let zlib = try NodeDebug.decode(hex: "02789c000500fafff8031b08550300059f0174")
        #expect(try NodeDebug.encode(json: Data(zlib.utf8)) == "00f8031b0855")

        #expect(throws: NodeDebugError.hex(.oddLength)) { try NodeDebug.decode(hex: "00f") }
        #expect(throws: NodeDebugError.decoding(.emptyFrame)) { try NodeDebug.decode(hex: "") }
        #expect(throws: NodeDebugError.json(.missingTag(path: "$"))) { try NodeDebug.encode(json: Data("{}".utf8)) }
    }
}
