import Foundation
import Testing
import WABinary
import WAEvents
import WAProto

/// Go `encoding/json` details the vectors do not all reach.
@Suite struct GoJSONWriterTests {
    func written(_ body: (inout GoJSONWriter) throws -> Void) rethrows -> String {
        var writer = GoJSONWriter()
        try body(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func stringsAreEscapedAsGoDoes() {
        let text = "a<b>&\u{2028}\u{2029}\u{7F}\"\\\n\r\t\u{8}\u{C}\u{1}é"
        #expect(written { $0.string(text) } == #""a\u003cb\u003e\u0026\u2028\u2029"# + "\u{7F}" + #"\"\\\n\r\t\b\f\u0001é""#)
    }

    /// Each byte that starts no valid sequence (a stray continuation, a surrogate, a truncated
    /// sequence) becomes `\ufffd`.
    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(written { $0.string(utf8: [0x61, 0xFF, 0xED, 0xA0, 0x80, 0xC3]) } == #""a\ufffd\ufffd\ufffd\ufffd\ufffd""#)
        #expect(written { $0.string(utf8: [0xF0, 0x9F, 0x91, 0x8B]) } == "\"👋\"")
    }

    @Test(arguments: [
        (1e21, "1e+21"), (1e-7, "1e-7"), (1.5e-10, "1.5e-10"), (123_456_789.0, "123456789"), (0.000001, "0.000001"),
        (-0.0, "-0"), (1e20, "100000000000000000000"), (-23.561414, "-23.561414"), (0.1, "0.1"),
    ])
    func float64(value: Double, expected: String) throws {
        #expect(try written { try $0.float64(value, field: "x") } == expected)
    }

    @Test func float32UsesItsOwnShortestDigits() throws {
        #expect(try written { try $0.float32(0.1, field: "x") } == "0.1")
        #expect(try written { try $0.float32(3.4e38, field: "x") } == "3.4e+38")
    }

    @Test func nonFiniteFloatsFailAsInGo() {
        #expect(throws: GoJSONError.unsupportedFloat(field: "x")) { try written { try $0.float64(.nan, field: "x") } }
        #expect(throws: GoJSONError.unsupportedFloat(field: "x")) { try written { try $0.float32(.infinity, field: "x") } }
    }

    @Test func timesAreRFC3339InTheirZone() throws {
        #expect(GoTime.zero.rfc3339 == "0001-01-01T00:00:00Z")
        #expect(try GoTime(unixSeconds: 0, nanoseconds: 500_000_000, utcOffset: 0).rfc3339 == "1970-01-01T00:00:00.5Z")
        #expect(try GoTime(unixSeconds: 0, nanoseconds: 1, utcOffset: 0).rfc3339 == "1970-01-01T00:00:00.000000001Z")
        #expect(try GoTime(unixSeconds: 951_825_600, utcOffset: 19_800).rfc3339 == "2000-02-29T17:30:00+05:30")
        // São Paulo's local mean time, -3:06:28: Go truncates the offset to minutes.
        #expect(try GoTime(unixSeconds: -2_000_000_000, utcOffset: -11_188).rfc3339 == "1906-08-16T17:20:12-03:06")
        #expect(try GoTime(unixSeconds: -62_167_219_200, utcOffset: 0).rfc3339 == "0000-01-01T00:00:00Z")
        #expect(try GoTime(unixMilliseconds: -1, in: TimeZone(identifier: "UTC")!).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test func timesGoCannotWriteCannotBeMade() {
        #expect(throws: GoTimeError.yearOutOfRange(unixSeconds: 253_402_300_800)) {
            try GoTime(unixSeconds: 253_402_300_800, utcOffset: 0)
        }
        #expect(throws: GoTimeError.offsetOutOfRange(86_400)) { try GoTime(unixSeconds: 0, utcOffset: 86_400) }
    }

    /// A oneof is an interface field named for the oneof, holding a wrapper struct named for
    /// the member; unset, it is `null` (it has no `omitempty`).
    @Test func oneofsAreWrappedLikeGoInterfaces() throws {
        var buttons = WAE2E_ButtonsMessage()
        buttons.contentText = "escolha"
        #expect(try written { try $0.message(buttons) } == #"{"Header":null,"contentText":"escolha"}"#)
        buttons.text = "oi"
        #expect(try written { try $0.message(buttons) } == #"{"Header":{"Text":"oi"},"contentText":"escolha"}"#)
    }

    /// Set scalars are written even at their zero value (Go pointers), but an empty `[]byte`
    /// is left out by `omitempty`.
    @Test func emptyBytesAreOmittedButZeroScalarsAreNot() throws {
        var image = WAE2E_ImageMessage()
        image.caption = ""
        image.mediaKey = Data()
        image.height = 0
        #expect(try written { try $0.message(image) } == #"{"caption":"","height":0}"#)
    }

    @Test func nodesAreWrittenAsWhatsmeowDecodesThem() throws {
        let node = Node(
            tag: "te", attributes: ["z": "1", "a": .jid(JID(user: "1", server: JID.lidServer, device: 2))],
            content: .nodes([Node(tag: "x", content: .bytes([0xFF])), Node(tag: "y", content: .nodes([]))]))
        let children = #"[{"Tag":"x","Attrs":null,"Content":"/w=="},{"Tag":"y","Attrs":null,"Content":null}]"#
        #expect(
            try String(decoding: node.goJSON(), as: UTF8.self)
                == #"{"Tag":"te","Attrs":{"a":"1:2@lid","z":"1"},"Content":"# + children + "}")
    }
}
