import Foundation
import Testing
import WagoPluginKit

/// The scanner reads what JSONSerialization would, from any valid document, and refuses
/// what JSONSerialization refuses.
@Suite("JSON scanner")
struct JSONScannerTests {
    /// The members `keys` of `json`'s object, read as strings, or nil for one never seen.
    private func strings(_ json: String, _ keys: Set<String>) throws -> [String: String] {
        var found: [String: String] = [:]
        var scanner = JSONScanner(json)
        try scanner.readObjectDocument { key, value in
            if keys.contains(key.text) { found[key.text] = try value.string() }
        }
        return found
    }

    @Test("escaped strings decode as JSONSerialization decodes them")
    func escapes() throws {
        let samples = [
            #"plain"#, #"quote \" backslash \\ slash \/"#, #"\b\f\n\r\t"#, #"\u00e9\u00E9 é \u4e2d"#,
            #"\ud83d\ude00 and 😀"#, #"\u0000 nul"#, "",
        ]
        for sample in samples {
            let json = #"{"K":"\#(sample)"}"#
            let expected = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])["K"] as? String
            #expect(try strings(json, ["K"])["K"] == expected, "\(sample)")
        }
    }

    @Test("members are found in any order, past nested objects, arrays and every kind of value")
    func reorderedAndNested() throws {
        let json = """
             { "a" : {"Type":"x","b":[1,-2.5e+3,{"c":null}],"d":"}\\"{"} ,
              "list":[[],{},true,false,null,0,-0.0,1E9],
              "Type" : "read",  "z":"\\"Type\\":\\"no\\"" }\r\n
            """
        #expect(try strings(json, ["Type"]) == ["Type": "read"])
        #expect(try strings(json, ["z"]) == ["z": #""Type":"no""#])
    }

    @Test("booleans, nulls, whole numbers and string arrays")
    func kinds() throws {
        var (flag, nothing, number, fraction, list): (Bool?, Bool?, Int64?, Int64?, [String]?) = (nil, nil, nil, nil, nil)
        var scanner = JSONScanner(#"{"f":false,"n":null,"i":-1732000000,"d":17.9,"l":["a","\u0062"],"e":[]}"#)
        try scanner.readObjectDocument { key, value in
            switch key {
            case "f": flag = try value.bool()
            case "n": nothing = try value.null()
            case "i": number = try value.int64()
            case "d": fraction = try value.int64()
            case "l": list = try value.strings()
            default: break
            }
        }
        #expect(flag == false && nothing == true && number == -1_732_000_000 && fraction == 17 && list == ["a", "b"])
    }

    @Test("malformed documents are refused, wherever the fault is", arguments: [
        "", "[]", "{", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":tru}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u+123\"}",
        "{\"a\":\"tab\there\"}", "{\"a\":\"open}", "{\"a\":[1,2}", "{\"a\":{\"b\":1]}", "{\"a\":1} {}",
        "{\"a\":1}x", "{a:1}",
    ])
    func malformed(_ json: String) throws {
        #expect(throws: JSONScanner.Malformed.self) { try strings(json, []) }
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] == nil)
    }

    @Test("trailing commas, which Foundation tolerates, are refused (RFC 8259 has none)", arguments: [
        "{\"a\":1,}", "{\"a\":[\"x\",]}", "{\"a\":{\"b\":1,}}",
    ])
    func trailingCommas(_ json: String) {
        #expect(throws: JSONScanner.Malformed.self) { try strings(json, []) }
    }

    @Test("nesting deeper than the limit is refused, not a crash")
    func deepNesting() {
        let depth = JSONScanner.maximumDepth + 1
        let json = #"{"a":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(throws: JSONScanner.Malformed.self) { try strings(json, []) }
    }

    @Test("a value of the wrong kind is an error for the reader that asked")
    func wrongKind() {
        #expect(throws: JSONScanner.Malformed.self) { try strings(#"{"K":1}"#, ["K"]) }
        var scanner = JSONScanner(#"{"K":["a",1]}"#)
        #expect(throws: JSONScanner.Malformed.self) { try scanner.readObjectDocument { _, value in _ = try value.strings() } }
    }
}
