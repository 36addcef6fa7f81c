import Foundation

/// Writes JSON exactly as Go's `encoding/json` does with its defaults: no spaces, HTML
/// characters escaped, Go's string escaping, number formatting and base64 for `[]byte`.
///
/// Objects and arrays are written through `object`/`array`, whose bodies call `field(_:)` or
/// `nextElement()` before each member so that commas land where Go puts them.
public struct GoJSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the innermost open object or array has no member yet.
    private var atFirstMember = true

    public init() {}

    // MARK: Containers

    /// An object; `body` writes its members, each after `field(_:)`.
    public mutating func object<Failure: Error>(
        _ body: (inout GoJSONWriter) throws(Failure) -> Void
    ) throws(Failure) {
        try container(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), body)
    }

    /// An array; `body` writes its elements, each after `nextElement()`.
    public mutating func array<Failure: Error>(
        _ body: (inout GoJSONWriter) throws(Failure) -> Void
    ) throws(Failure) {
        try container(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), body)
    }

    private mutating func container<Failure: Error>(
        open: UInt8, close: UInt8, _ body: (inout GoJSONWriter) throws(Failure) -> Void
    ) throws(Failure) {
        let outer = atFirstMember
        atFirstMember = true
        bytes.append(open)
        try body(&self)
        bytes.append(close)
        atFirstMember = outer
    }

    /// Starts an object member: the separating comma, the key and the colon.
    public mutating func field(_ key: String) {
        nextElement()
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Starts an array element (writes the separating comma).
    public mutating func nextElement() {
        if !atFirstMember { bytes.append(UInt8(ascii: ",")) }
        atFirstMember = false
    }

    /// `key` and then `value`, in one call.
    public mutating func field(_ key: String, _ value: some GoJSONEncodable) throws(GoJSONError) {
        field(key)
        try value.encodeGoJSON(to: &self)
    }

    /// JSON that is already encoded, written as is (e.g. a nested `json.RawMessage`).
    public mutating func raw(_ json: [UInt8]) {
        bytes.append(contentsOf: json)
    }

    // MARK: Scalars

    public mutating func null() {
        bytes.append(contentsOf: Array("null".utf8))
    }

    public mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: Array((value ? "true" : "false").utf8))
    }

    public mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: Array(String(value).utf8))
    }

    public mutating func unsignedInteger(_ value: UInt64) {
        bytes.append(contentsOf: Array(String(value).utf8))
    }

    /// `[]byte`: standard base64 with padding, as a string.
    public mutating func base64(_ data: some Collection<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: Array(Data(data).base64EncodedString().utf8))
        bytes.append(UInt8(ascii: "\""))
    }

    /// A Go string. Swift strings are valid Unicode, so this is `string(utf8:)` of their bytes.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: $0) }
    }

    /// A Go string given as raw bytes, which may be invalid UTF-8 like any Go string: each byte
    /// that does not start a valid sequence becomes `\ufffd`, as Go writes it.
    public mutating func string(utf8: some Collection<UInt8>) {
        let written: Void? = utf8.withContiguousStorageIfAvailable { string(contiguous: $0) }
        if written == nil { Array(utf8).withUnsafeBufferPointer { string(contiguous: $0) } }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `string(utf8:)` over contiguous bytes: runs that need no escaping (most of any string)
    /// are appended whole, events write dozens of strings each.
    private mutating func string(contiguous source: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        /// Appends the bytes before `i` not written yet, then `escape`.
        func flush(then escape: [UInt8], skipping count: Int) {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<i]))
            bytes.append(contentsOf: escape)
            i += count
            runStart = i
        }
        while i < source.count {
            let byte = source[i]
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): flush(then: [UInt8(ascii: "\\"), byte], skipping: 1)
                case 0x08: flush(then: Array("\\b".utf8), skipping: 1)
                case 0x0C: flush(then: Array("\\f".utf8), skipping: 1)
                case UInt8(ascii: "\n"): flush(then: Array("\\n".utf8), skipping: 1)
                case UInt8(ascii: "\r"): flush(then: Array("\\r".utf8), skipping: 1)
                case UInt8(ascii: "\t"): flush(then: Array("\\t".utf8), skipping: 1)
                // Other control characters, and the HTML characters Go escapes by default.
                case 0..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                    let hex = Self.hexDigits
                    flush(then: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], skipping: 1)
                default: i += 1
                }
                continue
            }
            let length = Self.validSequenceLength(source, at: i)
            if length == 0 {
                flush(then: Array("\\ufffd".utf8), skipping: 1)
            } else if length == 3 && source[i] == 0xE2 && source[i + 1] == 0x80 && (source[i + 2] & 0xFE) == 0xA8 {
                // U+2028 and U+2029, which JavaScript does not allow raw in strings.
                flush(then: Array("\\u202".utf8) + [Self.hexDigits[Int(source[i + 2] & 0xF)]], skipping: 3)
            } else {
                i += length
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<i]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// The length of the valid UTF-8 sequence starting at `i` (a non-ASCII byte), or 0 when
    /// there is none: Go's `utf8.DecodeRune` rules (no overlongs, surrogates or values above
    /// U+10FFFF).
    private static func validSequenceLength(_ source: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = source[i]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return 0
        }
        guard i + length <= source.count, secondRange.contains(source[i + 1]) else { return 0 }
        for k in 2..<length where !(0x80...0xBF).contains(source[i + k]) { return 0 }
        return length
    }
}
