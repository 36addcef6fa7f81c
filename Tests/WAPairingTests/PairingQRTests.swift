import Foundation
import Testing
import WABinary
import WAPairing

@Suite struct PairingQRTests {
    @Test func qrFormatCasesAreByteExact() throws {
        let cases = try PairingVectors.cases("qr_format")
        #expect(cases.count == 4)
        for vector in cases {
            let qr = PairingQR(
                ref: try vector.string("ref"), noisePublicKey: try vector.bytes("noise_public_hex"),
                identityPublicKey: try vector.bytes("identity_public_hex"),
                advSecret: try vector.bytes("adv_secret_hex"),
                clientType: try vector.string("client_type"))
            let text = try vector.string("qr_string")
            #expect(qr.text == text)
            #expect(try PairingQR(parsing: text) == qr)
        }
    }

    /// The refs of the session's pair-device iq, with the companion's keys, give its QR codes.
    @Test func sessionRefsGiveTheSessionCodes() throws {
        let session = try PairingVectors.only("qr_session")
        let device = try session.object("companion_device")
        let data = try session.object("data")
        let pairDevice = try session.wireNode(0)
        let refs = try #require(PairDevice.refs(in: pairDevice))
        #expect(refs == data["refs"] as? [String])

        let noise = try device.object("noise_key").bytes("public_hex")
        let identity = try device.object("identity_key").bytes("public_hex")
        let advSecret = try device.bytes("adv_secret_key_hex")
        let codes = refs.map { ref in
            PairingQR(
                ref: ref, noisePublicKey: noise, identityPublicKey: identity, advSecret: advSecret, clientType: "9"
            )
            .text
        }
        #expect(codes == data["qr_event_codes"] as? [String])
    }

    @Test func serverRequestIsTheVectorNode() throws {
        let session = try PairingVectors.only("qr_session")
        let refs = try #require(session.object("data")["refs"] as? [String])
        let request = PairDevice.request(id: "pair-device-1", refs: refs)
        #expect(try request.encodedFrame() == session.wireBytes(0))
        #expect(PairDevice.refs(in: request) == refs)
    }

    @Test func freshRefsAreDistinctServerRefs() {
        let first = PairDevice.freshRef()
        #expect(first.hasPrefix("2@"))
        #expect(Data(base64Encoded: String(first.dropFirst(2)))?.count == 64)
        #expect(first != PairDevice.freshRef())
    }

    @Test func refsIgnoreOtherNodes() {
        #expect(PairDevice.refs(in: Node(tag: "message")) == nil)
        #expect(PairDevice.refs(in: Node(tag: "iq", attributes: ["type": "set"])) == nil)
        #expect(
            PairDevice.refs(
                in: Node(tag: "iq", attributes: ["type": "result"], content: .nodes([Node(tag: "pair-device")]))) == nil
        )
        let mixed = Node(
            tag: "iq", attributes: ["type": "set"],
            content: .nodes([
                Node(
                    tag: "pair-device",
                    content: .nodes([
                        Node(tag: "ref"), Node(tag: "other", content: .bytes([0x41])),
                        Node(tag: "ref", content: .bytes([0x42])),
                    ]))
            ]))
        #expect(PairDevice.refs(in: mixed) == ["B"])
    }

    static let valid = PairingQR(
        ref: "2@abc", noisePublicKey: Array(repeating: 1, count: 32), identityPublicKey: Array(repeating: 2, count: 32),
        advSecret: Array(repeating: 3, count: 32), clientType: "1")

    static let refusals: [(text: String, why: String)] = {
        let parts = valid.text.dropFirst("https://wa.me/settings/linked_devices#".count).split(separator: ",").map(
            String.init)
        let short = Data(repeating: 1, count: 31).base64EncodedString()
        func with(_ index: Int, _ value: String) -> String {
            var changed = parts
            changed[index] = value
            return "https://wa.me/settings/linked_devices#" + changed.joined(separator: ",")
        }
        return [
            ("http://wa.me/settings/linked_devices#" + parts.joined(separator: ","), "bad prefix"),
            ("https://wa.me/settings/linked_devices#" + parts.dropLast().joined(separator: ","), "4 parts"),
            (valid.text + ",x", "6 parts"),
            (with(0, ""), "empty ref"),
            (with(4, ""), "empty client type"),
            (with(1, "not base64!"), "bad base64 noise key"),
            (with(2, String(parts[2].dropLast())), "unpadded identity key"),
            (with(3, "@@@@"), "bad base64 adv secret"),
            (with(1, short), "31-byte noise key"),
            (with(2, Data(repeating: 2, count: 33).base64EncodedString()), "33-byte identity key"),
            (with(3, short), "31-byte adv secret"),
            ("", "empty text"),
        ]
    }()

    @Test func strictParsingRefuses() throws {
        #expect(try PairingQR(parsing: Self.valid.text) == Self.valid)
        for refusal in Self.refusals {
            #expect(throws: PairingError.self, "\(refusal.why)") { try PairingQR(parsing: refusal.text) }
        }
    }
}
