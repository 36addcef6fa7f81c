import Foundation
import Testing
import WABinary

/// `String.jsonQuoted`, the hand-written JSON string literal of the hot paths.
@Suite struct JSONQuotedTests {
    @Test func escapesQuotesBackslashesAndControlCharacters() {
        #expect("".jsonQuoted == #""""#)
        #expect("plain / text".jsonQuoted == #""plain / text""#)
        #expect(#"say "hi" \ bye"#.jsonQuoted == #""say \"hi\" \\ bye""#)
        #expect("a\nb\rc\td".jsonQuoted == #""a\nb\rc\td""#)
        #expect("\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}".jsonQuoted == #""\u0000\u0001\u0008\u000c\u001f"# + "\u{7F}\"")
    }

    @Test func leavesNonASCIIAsItIs() {
        #expect("café 👍🏽 日本".jsonQuoted == "\"café 👍🏽 日本\"")
    }

    @Test func readsBackAsTheSameString() throws {
        let every = String(String.UnicodeScalarView((0..<0x250).compactMap(Unicode.Scalar.init)))
        for text in [every, "\"\\\"", String(repeating: "\u{1}é", count: 100)] {
            let read = try JSONSerialization.jsonObject(with: Data(text.jsonQuoted.utf8), options: [.fragmentsAllowed])
            #expect(read as? String == text)
        }
    }
}
