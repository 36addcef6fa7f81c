import Testing
import WagoPluginKit
@testable import WagoMessaging

@Suite("Request body")
struct RequestBodyTests {
    private func chat(_ phone: String) throws -> String {
        let json = #"{"Phone":\#(MessagingPlugin.jsonString(phone))}"#
        return try RequestBody(Request(method: .post, path: "/send/text", body: Array(json.utf8))).chat("Phone")
    }

    @Test("a chat from a phone number or a JID", arguments: [
        ("+55 (11) 99999-0001", "5511999990001@s.whatsapp.net"), ("5511.9", "55119@s.whatsapp.net"),
        ("120363@g.us", "120363@g.us"), ("josé@s.whatsapp.net", "josé@s.whatsapp.net"),
    ])
    func chats(_ phone: String, _ expected: String) throws {
        #expect(try chat(phone) == expected)
    }

    @Test("no chat from anything else", arguments: ["+ -", "55a11", "５５", "55\r\n11", "55\u{301}"])
    func notChats(_ phone: String) {
        #expect(throws: HTTPError.self) { try chat(phone) }
    }
}

@Suite("Request body, read as JSONSerialization reads it")
struct RequestBodyReadingTests {
    private func fields(_ body: [UInt8]) throws -> [String: String?] {
        let read = try RequestBody(Request(method: .post, path: "/send/text", body: body))
        return try Dictionary(uniqueKeysWithValues: ["Phone", "Body", "Id"].map { ($0, try read.string($0)) })
    }

    @Test("objects of strings, and objects with other values, read alike")
    func bodies() throws {
        let expected: [String: String?] = ["Phone": "5511", "Body": "oi \"você\" \n", "Id": nil]
        #expect(try fields(Array(#"{"Phone":"5511","Body":"oi \"voc\u00ea\" \n"}"#.utf8)) == expected)
        #expect(try fields(Array(#" {"Body":"oi \"você\" \n","n":[1,{"x":true}],"Id":null,"Phone":"5511"} "#.utf8)) == expected)
        #expect(try fields(Array(#"{"Phone":"1","Phone":"5511","Body":"oi \"você\" \n"}"#.utf8))["Phone"] != nil)
    }

    @Test("bodies that are no JSON object, or not UTF-8, are refused", arguments: [
        Array(#"["Phone"]"#.utf8), Array(#"{"Phone":"55"#.utf8), [0x7B, 0x22, 0x50, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], [],
    ])
    func refused(_ body: [UInt8]) {
        #expect(throws: HTTPError.self) { try fields(body) }
    }
}
