import Foundation
import Testing
import WABinary
import WagoTestSupport

/// vectors/binary.json (whatsmeow `Marshal`/`Unmarshal`) and the protocol.md §2 golden vectors.
@Suite struct ConformanceTests {

    @Test func vectorFileIsComplete() {
        #expect(VectorNodes.entries("cases").count == 74)
        #expect(VectorNodes.entries("zlib_frames").count == 2)
        #expect(VectorNodes.entries("decode_only").count == 16)
        #expect(VectorNodes.entries("rejected").count == 5)
    }

    @Test(arguments: VectorNodes.entries("cases"))
    func marshalCase(_ entry: VectorNodes.Entry) throws {
        let vector = try entry.object()
        let description = vector["description"] as? String ?? "?"
        let input = try VectorNodes.node(vector["node"])
        let expected = try vector["decoded"].map(VectorNodes.node) ?? input
        let encoded = try input.encodedFrame()

        if let hex = vector["hex"] as? String {
            // Attributes are written in node order; the vectors' multi-attribute hex is the
            // ascending-key order VectorNodes builds, so every case is byte-exact.
            #expect(Hex.string(encoded) == hex, "\(description)")
            let decoded = try Node(frame: try VectorNodes.bytes(hex))
            #expect(decoded == expected, "\(description)")
            if let observed = vector["all_encodings_observed_in_5000_marshal_calls"] as? [String] {
                for variant in observed {
                    #expect(try Node(frame: try VectorNodes.bytes(variant)) == expected, "\(description)")
                }
            }
        } else {
            let length = try #require(vector["encoded_length"] as? Int)
            #expect(encoded.count == length, "\(description)")
            #expect(Hex.string(encoded.prefix(16)) == vector["hex_prefix"] as? String, "\(description)")
            #expect(Hex.string(encoded.suffix(8)) == vector["hex_suffix"] as? String, "\(description)")
            #expect(try Node(frame: encoded) == expected, "\(description)")
        }

        let reencoded = try expected.encodedFrame()
        #expect(try Node(frame: reencoded) == expected, "\(description)")
        if let hex = vector["reencoded_hex"] as? String {
            #expect(Hex.string(reencoded) == hex, "\(description)")
        }
    }

    @Test(arguments: VectorNodes.entries("zlib_frames"))
    func zlibFrame(_ entry: VectorNodes.Entry) throws {
        let vector = try entry.object()
        let expected = try VectorNodes.node(vector["decoded"])
        let frame = try VectorNodes.bytes(try #require(vector["frame_hex"] as? String))
        #expect(frame[0] & 2 != 0)
        #expect(try Node(frame: frame) == expected)
        let plain = try VectorNodes.bytes(try #require(vector["uncompressed_hex"] as? String))
        #expect(try Node(frame: plain) == expected)
    }

    @Test(arguments: VectorNodes.entries("decode_only"))
    func decodeOnly(_ entry: VectorNodes.Entry) throws {
        let vector = try entry.object()
        let frame = try VectorNodes.bytes(try #require(vector["hex"] as? String))
        let expected = try VectorNodes.node(vector["decoded"])
        #expect(try Node(frame: frame) == expected, "\(vector["description"] ?? "")")
    }

    @Test(arguments: VectorNodes.entries("rejected"))
    func rejected(_ entry: VectorNodes.Entry) throws {
        let vector = try entry.object()
        let frame = try VectorNodes.bytes(try #require(vector["hex"] as? String))
        #expect(throws: BinaryDecodingError.self, "\(vector["description"] ?? "")") { try Node(frame: frame) }
    }

    @Test func rejectedCasesNameTheirCause() throws {
        func error(_ hex: String) -> BinaryDecodingError? {
            do {
                _ = try Node(frame: Hex.bytes(hex))
                return nil
            } catch let error as BinaryDecodingError { return error } catch { return nil }
        }
        #expect(error("00f800") == .invalidListHeader(0xf8, offset: 0))
        #expect(error("00f801f0") == .invalidToken(0xf0, offset: 2))
        #expect(error("00f80211fc05616263") == .truncated(offset: 3))
        #expect(error("00f8011100") == .trailingBytes(count: 1))
        #expect(error("00f803110cf6ff0112000303") == .invalidJID(offset: 4))
    }

    /// protocol.md §2 "Golden vectors".
    @Test func protocolGoldenVectors() throws {
        let golden: [(Node, String)] = [
            (
                Node(
                    tag: "iq",
                    attributes: [
                        "id": "1.2-3", "to": .jid(JID(user: "", server: "s.whatsapp.net")), "type": "get",
                        "xmlns": "w:p",
                    ]),
                "00f8091908ff831b2a3f11fa000304291657"
            ),
            (
                Node(tag: "device", attributes: ["jid": .jid(try JID(parsing: "15550001234:7@s.whatsapp.net"))]),
                "00f8033b0cf70007ff8615550001234f"
            ),
            (
                Node(tag: "device", attributes: ["jid": .jid(try JID(parsing: "123456789012345:7@lid"))]),
                "00f8033b0cf70107ff88123456789012345f"
            ),
            (
                Node(tag: "to", attributes: ["jid": .jid(try JID(parsing: "120363000000000000@g.us"))]),
                "00f803110cfaff091203630000000000001c"
            ),
            (Node(tag: "pair-device"), "00f801edee"),
        ]
        for (node, hex) in golden {
            #expect(Hex.string(try node.encodedFrame()) == hex)
            #expect(try Node(frame: Hex.bytes(hex)) == node)
        }
    }
}
