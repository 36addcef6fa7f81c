import Foundation
import Testing
import WagoPluginKit

/// `JSONScanner.isValid`, the server's check of plugins' event JSON: it accepts what a JSON
/// parser accepts (here `JSONSerialization`, which it replaced) and rejects what one rejects,
/// without building values.
@Suite struct JSONValidityTests {
    static let valid = [
        "{}", "[]", " { } ", "\t[\n]\r\n", #"{"a":1}"#, #"{"a":{"b":[true,false,null]}}"#, #"[1,-1,0,-0,0.5,1e3,1E+3,1e-3,-12.25e10]"#,
        #"{"s":"plain, \"quoted\", \\ \/ \b\f\n\r\t"}"#, #"["\u00e9\u20AC"]"#, #"["\ud83d\ude00"]"#, "[\"é 日本 😀\"]",
        #"{"a":1,"a":2}"#, #"[ 1 , [ 2 , { "x" : [ ] } ] ]"#, #"{"":""}"#,
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ]

    static let invalid = [
        "", " ", "{", "}", "[", "]", "{]", "[}", #"{"a"}"#, #"{"a":}"#, #"{"a" 1}"#, #"{a:1}"#, "[,1]",
        "[1 2]", #"{"a":1 "b":2}"#, "{} {}", "[] x", #"{'a':1}"#, "[01]", "[1.]", "[.5]", "[1e]", "[1e+]", "[-]", "[+1]",
        "[0x10]", "[NaN]", "[Infinity]", "[tru]", "[nul]", "[True]", "[\"a]", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u12G4\"]",
        "[\"\u{1}\"]", "[\"a\nb\"]", #"["\ud83d"]"#, #"["\ude00"]"#, #"["\ud83d\u0041"]"#, #"["\ud83dx"]"#, "/* */ {}",
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
    ]

    @Test("valid JSON passes, as it parses", arguments: valid)
    func acceptsValid(_ json: String) throws {
        #expect(JSONScanner.isValid(json))
        _ = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
    }

    @Test("invalid JSON fails, as it does not parse", arguments: invalid)
    func rejectsInvalid(_ json: String) {
        #expect(!JSONScanner.isValid(json))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)) == nil)
    }

    /// `JSONSerialization` takes these; strict parsers (Go's, Python's) do not, so neither does the check.
    @Test("trailing commas fail")
    func trailingCommas() {
        for json in [#"{"a":1,}"#, "[1,]", #"{"a":[1,],"b":2}"#] { #expect(!JSONScanner.isValid(json), "\(json)") }
    }

    @Test("top-level scalars are values too (the outbox checks whole bodies, objects)")
    func scalars() {
        for json in ["1", #""s""#, "true", "null", " -0.5e-7 "] { #expect(JSONScanner.isValid(json), "\(json)") }
    }

    @Test("nesting is allowed up to the limit; far past it, rejected without exhausting the stack")
    func deepNesting() {
        let nested = { (depth: Int) in String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        #expect(JSONScanner.isValid(nested(JSONScanner.maximumDepth)))
        #expect(!JSONScanner.isValid(nested(JSONScanner.maximumDepth + 1)))
        #expect(!JSONScanner.isValid(String(repeating: "[", count: 1_000_000)))
        #expect(!JSONScanner.isValid(String(repeating: #"{"a":"#, count: 100_000)))
    }
}
