import Foundation
import Testing
import WABinary
import WagoTestSupport

/// `JID(parsing:)` and the string form against whatsmeow's `ParseJID` (vectors/misc.json).
@Suite struct JIDTests {
    static func cases() throws -> [[String: Any]] {
        let all = try SharedData.json("vectors/misc.json")["cases"] as? [[String: Any]] ?? []
        return all.filter { $0["kind"] as? String == "jid_parse" }
    }

    @Test func parseCasesArePresent() throws {
        #expect(try Self.cases().count == 37)
    }

    @Test func parsesLikeWhatsmeow() throws {
        for vector in try Self.cases() {
            let input = try #require(vector["input"] as? String)
            guard vector["ok"] as? Bool == true else {
                #expect(throws: JIDParseError.self, "\(input)") { try JID(parsing: input) }
                continue
            }
            let jid = try JID(parsing: input)
            #expect(jid.user == vector["user"] as? String, "\(input)")
            #expect(jid.server == vector["server"] as? String, "\(input)")
            #expect(Int(jid.device) == vector["device"] as? Int, "\(input)")
            #expect(Int(jid.rawAgent) == vector["raw_agent"] as? Int, "\(input)")
            #expect(Int(jid.actualAgent) == vector["actual_agent"] as? Int, "\(input)")
            #expect(jid.description == vector["string"] as? String, "\(input)")
            #expect(jid.nonAD.description == vector["non_ad_string"] as? String, "\(input)")
        }
    }

    @Test func printsEveryWidthOfAgentAndDevice() {
        #expect(JID(user: "1", server: "s.whatsapp.net", device: 9).description == "1:9@s.whatsapp.net")
        #expect(JID(user: "1", server: "lid", device: 10).description == "1:10@lid")
        #expect(JID(user: "1", server: "lid", device: 999).description == "1:999@lid")
        #expect(JID(user: "1", server: "lid", device: 1000).description == "1:1000@lid")
        #expect(JID(user: "1", server: "lid", device: 65535).description == "1:65535@lid")
        #expect(JID(user: "1", server: "x", rawAgent: 255, device: 0).description == "1.255:0@x")
        #expect(JID(user: "", server: "x", rawAgent: 7, device: 10000).description == ".7:10000@x")
        #expect(JID(user: "", server: "x", device: 3).description == ":3@x")
        #expect(JID(user: "", server: "g.us").description == "g.us")
        #expect(JID(user: "5", server: "").description == "")
        let long = String(repeating: "9", count: 40)
        #expect(JID(user: long, server: "bot", device: 1).description == long + ":1@bot")
    }

    @Test func errorsSayWhy() {
        #expect(throws: JIDParseError.unexpectedDots) { try JID(parsing: "1.2.3@s.whatsapp.net") }
        #expect(throws: JIDParseError.unexpectedColons) { try JID(parsing: "1:2:3@s.whatsapp.net") }
        #expect(throws: JIDParseError.invalidNumber("abc")) { try JID(parsing: "1:abc@s.whatsapp.net") }
    }

    /// The wire form each kind of JID takes (protocol.md §2 "JIDs").
    @Test(arguments: [
        ("1555@s.whatsapp.net", 0xFA), ("1555:1@s.whatsapp.net", 0xF7), ("1555@lid", 0xFA),
        ("1555:7@lid", 0xF7), ("1555@hosted", 0xF7), ("1555:3@hosted.lid", 0xF7), ("1@g.us", 0xFA),
        ("status@broadcast", 0xFA), ("1@newsletter", 0xFA), ("1:2@msgr", 0xF6), ("1:2@interop", 0xF5),
        ("1@bot", 0xFA),
    ])
    func wireForm(string: String, wireTag: Int) throws {
        let node = Node(tag: "to", attributes: ["jid": .jid(try JID(parsing: string))])
        let frame = try node.encodedFrame()
        #expect(frame[5] == UInt8(wireTag))  // flag, LIST_8, size, tag, key, value
        #expect(try Node(frame: frame) == node)
    }
}
