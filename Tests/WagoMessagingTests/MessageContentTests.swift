import Foundation
import Testing
@testable import WagoMessaging

@Suite("Message content")
struct MessageContentTests {
    @Test("a plain text's message JSON says what JSONSerialization's would", arguments: [
        "oi", "quote \" backslash \\ slash / line\nbreak\ttab \u{1} é 😀",
    ])
    func plainText(_ text: String) throws {
        let content = MessageContent.text(text)
        let written = try content.messageJSON(contextInfo: nil)
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: String])
        #expect(parsed == ["conversation": text])
        #expect(try content.messageJSON(contextInfo: ["stanzaID": "X"]) == MessagingPlugin.jsonText(
            ["extendedTextMessage": ["text": text, "contextInfo": ["stanzaID": "X"]]]))
    }
}

@Suite("JSON string literals")
struct JSONStringTests {
    @Test("quotes, backslashes and control characters are escaped; slashes and non-ASCII text are not")
    func escapes() {
        #expect(MessagingPlugin.jsonString("a\"\\/\n\r\t\u{1}\u{1F}\u{7F}é😀") == #""a\"\\/\n\r\t\u0001\u001f\#u{7F}é😀""#)
        #expect(MessagingPlugin.jsonString("") == #""""#)
    }
}
